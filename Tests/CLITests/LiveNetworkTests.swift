import Foundation
import Resources
import TestSupport
import Testing

/// Two sites on one machine, each agent running the real skupper-router 3.5.1 as its child process (the default
/// platform) and talking to it over AMQP management: statuses from the router, changes applied without a restart.
@Suite("Real routers run and managed by their agents", .serialized)
struct LiveNetworkTests {
    /// The agent's arguments: the process platform with the router `scripts/build-router.sh` built.
    static func arguments() throws -> [String] {
        ["--platform", "process", "--router-path", try RealRouter.prefix().appendingPathComponent("sbin/skrouterd").path]
    }

    static func phase(_ site: TemporarySite, _ kind: ResourceKind, _ name: String) -> ResourceStatus.Phase? {
        site.status(kind, name)?.status.phase
    }

    static func field(_ site: TemporarySite, _ kind: ResourceKind, _ name: String, _ key: String) -> String? {
        site.status(kind, name)?.status.field(key)?.text
    }

    static func routerPid(_ site: TemporarySite) -> String? {
        try? String(contentsOf: site.layout.routerConfig.deletingLastPathComponent().appendingPathComponent("skrouterd.pid"), encoding: .utf8)
    }

    /// East accepts links and reaches an echo server; West links to it with a token (edge when `edge`) and
    /// listens for the same routing key.
    struct Network {
        let east: TemporarySite, west: TemporarySite
        var agentEast: AgentProcess
        let agentWest: AgentProcess
        let echo: EchoServer
        let listenerPort: Int

        /// `eastArguments`: more arguments for East's agent.
        init(edge: Bool = false, eastArguments: [String] = []) throws {
            east = try TemporarySite()
            west = try TemporarySite()
            let scratch = try ScratchDirectory()
            echo = try EchoServer()
            #expect(try east.skupper("site", "create", "east", "--enable-link-access").status == 0)
            try east.write("backend.yaml", ResourceYAML.connector("backend", port: echo.port, host: "127.0.0.1"))
            agentEast = try AgentProcess(site: east, arguments: try LiveNetworkTests.arguments() + eastArguments)
            let east = east, agentEast = agentEast
            guard east.eventually(timeout: 30, { LiveNetworkTests.phase(east, .site, "east") == .ready }) else {
                throw TestFailure("east is not Ready: \(String(describing: east.status(.site, "east")))\n\(agentEast.log)")
            }
            let token = scratch.path("token.yaml")
            let issued = try east.skupper("token", "issue", token)
            guard issued.status == 0 else { throw TestFailure("\(issued)") }

            try west.write(
                "site.yaml",
                """
                apiVersion: skupper.io/v2alpha1
                kind: Site
                metadata:
                  name: west
                spec:
                  edge: \(edge)
                """)
            listenerPort = freePort()
            try west.write("backend.yaml", ResourceYAML.listener("backend", port: listenerPort, host: "127.0.0.1"))
            agentWest = try AgentProcess(site: west, arguments: try LiveNetworkTests.arguments())
            let redeemed = try west.skupper("token", "redeem", token)
            guard redeemed.status == 0 else { throw TestFailure("\(redeemed)\n\(agentWest.log)") }
        }

        /// The name of West's one Link (named for the token).
        var linkName: String? {
            (try? FileManager.default.contentsOfDirectory(atPath: west.layout.status.path))?
                .first { $0.hasPrefix("Link-") }.map { String($0.dropFirst(5).dropLast(5)) }
        }

        func stop() {
            agentWest.stop()
            agentEast.stop()
        }
    }

    @Test func linksListenersAndTheNetworkAreWhatTheRoutersSayAndChangesDoNotRestartThem() throws {
        var network = try Network()
        defer { network.stop() }
        let (east, west) = (network.east, network.west)
        #expect(
            west.eventually(timeout: 30) { network.linkName.map { Self.phase(west, .link, $0) == .ready } == true },
            "link: \(String(describing: network.linkName.flatMap { west.status(.link, $0) }))\n\(network.agentWest.log.suffix(3000))")
        let link = try #require(network.linkName)

        // The statuses come from the routers: matching is network-wide, both sites count the same network.
        #expect(west.eventually(timeout: 10) { Self.field(west, .listener, "backend", "hasMatchingConnector") == "true" })
        #expect(
            east.eventually(timeout: 10) { Self.field(east, .connector, "backend", "hasMatchingListener") == "true" },
            "\(String(describing: east.status(.connector, "backend")))")
        #expect(east.eventually(timeout: 10) { Self.field(east, .site, "east", "sitesInNetwork") == "2" })
        #expect(west.eventually(timeout: 10) { Self.field(west, .site, "west", "sitesInNetwork") == "2" })
        let siteYAML = try String(contentsOf: west.layout.statusFile(ResourceID(.site, "west")), encoding: .utf8)
        #expect(siteYAML.contains("name: east") && siteYAML.contains("name: west"), "\(siteYAML)")
        // From the flow records, as v2 reports them: who each Link reached, and each site's links and services.
        #expect(west.eventually(timeout: 5) { Self.field(west, .link, link, "remoteSiteName") == "east" }, "\(String(describing: west.status(.link, link)))")
        #expect(Self.field(west, .link, link, "remoteSiteId")?.count == 36)
        let networkYAML = try String(contentsOf: east.layout.statusFile(ResourceID(.site, "east")), encoding: .utf8)
        for expected in ["remoteSiteName: east", "operational: true", "routingKey: backend", "listeners:", "connectors:"] {
            #expect(networkYAML.contains(expected), "\(expected) in \(networkYAML)")
        }
        let networkStatus = try String(contentsOf: west.layout.status.appendingPathComponent("ConfigMap-skupper-network-status.yaml"), encoding: .utf8)
        #expect(
            networkStatus.contains("kind: ConfigMap") && networkStatus.contains("NetworkStatus:") && networkStatus.contains("siteStatus"), "\(networkStatus)")

        // A stream through the network survives unrelated changes applied through management.
        let stream = try #require(west.eventually(timeout: 20) { TCPStream(port: network.listenerPort) != nil } ? TCPStream(port: network.listenerPort) : nil)
        #expect(stream.echo(Array("before".utf8)) == Array("before".utf8))
        let eastPid = Self.routerPid(east), westPid = Self.routerPid(west)
        let otherEcho = try EchoServer()
        let otherPort = freePort()
        try east.write("other.yaml", ResourceYAML.connector("other", port: otherEcho.port, host: "127.0.0.1"))
        try west.write("other.yaml", ResourceYAML.listener("other", port: otherPort, host: "127.0.0.1"))
        #expect(
            west.eventually(timeout: 15) { echoRoundTrip(port: otherPort, payload: Array("other".utf8), timeout: 1) == Array("other".utf8) },
            "\(network.agentWest.log.suffix(2000))")
        #expect(stream.echo(Array("after adding".utf8)) == Array("after adding".utf8))
        try west.remove("other.yaml")
        try east.remove("other.yaml")
        #expect(west.eventually(timeout: 10) { echoRoundTrip(port: otherPort, payload: [1], timeout: 1) == nil })
        #expect(stream.echo(Array("after removing".utf8)) == Array("after removing".utf8))
        #expect(Self.routerPid(east) == eastPid && Self.routerPid(west) == westPid, "a router was restarted")

        // Link truth: the remote router stops, the Link says why within 5 s; it comes back, the Link is Ready again.
        network.agentEast.stop()
        let stopped = Date()
        #expect(west.eventually(timeout: 5) { Self.phase(west, .link, link) != .ready })
        #expect(Date().timeIntervalSince(stopped) < 5.5)
        // The site left: it leaves West's view within 5 s.
        #expect(west.eventually(timeout: 5) { Self.field(west, .site, "west", "sitesInNetwork") == "1" })
        print("East left West's view after \(Date().timeIntervalSince(stopped)) s")
        let message = west.status(.link, link)?.status.message ?? ""
        #expect(!message.isEmpty && message != "OK", "\(message)")
        print("the Link while the remote router is stopped: \(message)")
        network.agentEast = try AgentProcess(site: east, arguments: try Self.arguments())
        #expect(west.eventually(timeout: 30) { Self.phase(west, .link, link) == .ready }, "\(String(describing: west.status(.link, link)))")
    }

    @Test func anEdgeSiteLinksToAnInteriorAndCarriesTraffic() throws {
        let network = try Network(edge: true)
        defer { network.stop() }
        let west = network.west
        #expect(
            west.eventually(timeout: 30) { network.linkName.map { Self.phase(west, .link, $0) == .ready } == true },
            "\(network.agentWest.log.suffix(3000))")
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(west.eventually(timeout: 20) { echoRoundTrip(port: network.listenerPort, payload: payload, timeout: 2) == payload })
        #expect(
            west.eventually(timeout: 10) { Self.field(west, .site, "west", "sitesInNetwork") == "2" },
            "\(String(describing: west.status(.site, "west")))")
        #expect(network.east.eventually(timeout: 10) { Self.field(network.east, .site, "east", "sitesInNetwork") == "2" })
        #expect(Self.field(west, .site, "west", "routerMode") == "edge")
    }

    @Test func withoutARouterInstalledTheSiteSaysHowToGetOne() throws {
        let site = try TemporarySite(), scratch = try ScratchDirectory()
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: lonely\n")
        // No skrouterd anywhere the agent looks: not on the PATH, not in /usr/sbin here, no build in the cache.
        let agent = try AgentProcess(
            site: site, arguments: ["--platform", "process"],
            environment: ["PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": scratch.path("cache"), "SKUPPER_ROUTER_PATH": ""])
        defer { agent.stop() }
        guard !FileManager.default.isExecutableFile(atPath: "/usr/sbin/skrouterd") else { return }
        #expect(
            site.eventually(timeout: 10) { site.status(.site, "lonely")?.status.message.contains("skupper-router") == true },
            "\(String(describing: site.status(.site, "lonely")))\n\(agent.log)")
        let status = try #require(site.status(.site, "lonely")?.status)
        #expect(status.phase != .ready)
        #expect(status.message.contains("scripts/build-router.sh") && status.message.contains("--platform render"), "\(status.message)")
        #expect(agent.process.isRunning)
    }
}
