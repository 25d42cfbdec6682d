import Foundation
import Resources
import TestSupport
import Testing

/// Two sites on one machine, each running the real skupper-router 3.5.1 (built from the vendored sources) on the
/// configuration the agent rendered: a token issued on one and redeemed on the other through the CLI, and TCP
/// traffic through the link.
@Suite("The real skupper-router on rendered sites", .serialized)
struct RealRouterTests {
    @Test func aLinkMadeWithATokenCarriesTCPTrafficBetweenRealRouters() throws {
        let east = try TemporarySite(), west = try TemporarySite(), scratch = try ScratchDirectory()
        let echo = try EchoServer()
        // East accepts links; its connector reaches the echo server.
        #expect(try east.skupper("site", "create", "east", "--enable-link-access").status == 0)
        try east.write("backend.yaml", ResourceYAML.connector("backend", port: echo.port, host: "127.0.0.1"))
        let agentEast = try AgentProcess(site: east)
        defer { agentEast.stop() }
        #expect(east.eventually { east.status(.connector, "backend")?.status.phase == .ready }, "log:\n\(agentEast.log)")
        // East's router runs before West's site exists, so West's identity picks other ports.
        let routerEast = try RealRouter(site: east)
        defer { routerEast.stop() }
        let eastPorts = try east.identityPorts()
        #expect(
            east.eventually(timeout: 20) { echoRoundTrip(port: eastPorts.interRouter, payload: [], timeout: 1) != nil },
            "east's router does not listen:\n\(routerEast.log.suffix(3000))")

        let token = scratch.path("token.yaml")
        let issued = try east.skupper("token", "issue", token)
        #expect(issued.status == 0, "\(issued)\nlog:\n\(agentEast.log)")

        #expect(try west.skupper("site", "create", "west").status == 0)
        let listenerPort = freePort()
        try west.write("backend.yaml", ResourceYAML.listener("backend", port: listenerPort, host: "127.0.0.1"))
        let agentWest = try AgentProcess(site: west)
        defer { agentWest.stop() }
        let redeemed = try west.skupper("token", "redeem", token)
        #expect(redeemed.status == 0, "\(redeemed)\nlog:\n\(agentWest.log)")
        #expect(
            west.eventually {
                (try? String(contentsOf: west.layout.routerConfig, encoding: .utf8))?.contains("\"role\": \"inter-router\"") == true
            }, "log:\n\(agentWest.log)")
        #expect(try west.identityPorts().local != eastPorts.local)
        let routerWest = try RealRouter(site: west)
        defer { routerWest.stop() }

        // The link verifies East's certificate for the IP address the token names (a DNS name too, for Proton).
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var echoed: [UInt8]?
        #expect(
            west.eventually(timeout: 30) {
                echoed = echoRoundTrip(port: listenerPort, payload: payload, timeout: 2)
                return echoed != nil
            }, "no traffic through the link\nwest router:\n\(routerWest.log.suffix(3000))\neast router:\n\(routerEast.log.suffix(3000))")
        #expect(echoed.map { $0 == payload } == true, "the echo differs from what was sent")
        #expect(!routerWest.log.contains("certificate verify failed"), "\(routerWest.log.suffix(3000))")
    }

    /// West links to East through an HTTP proxy with basic authentication (a Link's proxy-configuration Secret), and
    /// runs with per-module logging in v2's form: the router takes both, and traffic flows through the tunnel.
    @Test func aLinkThroughAnAuthenticatingProxyWithPerModuleLogging() throws {
        let east = try TemporarySite(), west = try TemporarySite()
        let echo = try EchoServer()
        let proxy = try ConnectProxy(username: "skupper", password: "s3cret")
        #expect(try east.skupper("site", "create", "east", "--enable-link-access").status == 0)
        try east.write("backend.yaml", ResourceYAML.connector("backend", port: echo.port, host: "127.0.0.1"))
        let agentEast = try AgentProcess(site: east)
        defer { agentEast.stop() }
        #expect(east.eventually { east.status(.site, "east")?.status.phase == .ready }, "log:\n\(agentEast.log)")
        let routerEast = try RealRouter(site: east)
        defer { routerEast.stop() }
        let eastPorts = try east.identityPorts()
        #expect(
            east.eventually(timeout: 20) { echoRoundTrip(port: eastPorts.interRouter, payload: [], timeout: 1) != nil },
            "east's router does not listen:\n\(routerEast.log.suffix(3000))")

        // East's link, given a proxy at West.
        let generated = try east.skupper("link", "generate")
        #expect(generated.status == 0, "\(generated)")
        var resources = try ResourceLoader.parse(generated.stdout, file: "link.yaml").resources
        let index = try #require(resources.firstIndex { $0.kind == .link })
        guard case .link(var link) = resources[index].spec else {
            Issue.record("no Link")
            return
        }
        link.settings["proxy-configuration"] = "corp-proxy"
        let target = try #require(link.endpoint(role: "inter-router"))
        resources[index].spec = .link(link)

        try west.write(
            "site.yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata: {name: west}
            spec:
              settings: {router-logging: "ROUTER_CORE:debug,TCP_ADAPTOR:trace,notice"}
            """)
        let listenerPort = freePort()
        try west.write("backend.yaml", ResourceYAML.listener("backend", port: listenerPort, host: "127.0.0.1"))
        try west.write("link.yaml", ResourceEncoder.yaml(resources))
        try west.write(
            "proxy.yaml",
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: corp-proxy}
            type: kubernetes.io/basic-auth
            stringData: {host: 127.0.0.1, port: "\(proxy.port)", username: skupper, password: s3cret}
            """)
        let agentWest = try AgentProcess(site: west)
        defer { agentWest.stop() }
        #expect(west.eventually { west.routerConfig?.contains("\"proxyProfile\": \"corp-proxy\"") == true }, "log:\n\(agentWest.log)")
        let routerWest = try RealRouter(site: west)
        defer { routerWest.stop() }

        let payload = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var echoed: [UInt8]?
        #expect(
            west.eventually(timeout: 30) {
                echoed = echoRoundTrip(port: listenerPort, payload: payload, timeout: 2)
                return echoed != nil
            }, "no traffic through the proxied link\nproxy: \(proxy.requests)\nwest router:\n\(routerWest.log.suffix(3000))")
        #expect(echoed.map { $0 == payload } == true)
        #expect(target.port == String(eastPorts.interRouter))
        #expect(proxy.requests.contains("\(target.host):\(target.port) ok"), "\(proxy.requests)")
        #expect(!proxy.requests.contains { $0.hasSuffix("denied") }, "\(proxy.requests)")
        // The per-module levels are in force (ROUTER_CORE debug lines), and none was refused.
        let log = routerWest.log
        #expect(log.contains("ROUTER_CORE (debug)"), "\(log.suffix(3000))")
        #expect(!log.contains("not a valid log level"), "\(log.suffix(3000))")
    }
}
