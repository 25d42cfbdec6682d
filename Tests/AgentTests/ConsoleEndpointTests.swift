import Foundation
import SiteFiles
import TestSupport
import Testing

/// The network console as the agent serves it: on by default on loopback (its address in `agent.yaml` and in
/// `skupper system status`), the network's metrics beside the agent's own, and never open to the network without
/// authentication.
@Suite struct ConsoleEndpointTests {
    @Test(.timeLimit(.minutes(2)))
    func aSitesConsoleIsOnLoopbackAndSaysWhatItsRouterSees() throws {
        let network = try TenSiteNetwork(sites: 1, report: { print("ConsoleEndpointTests: \($0)") })
        try network.start()
        defer { network.stop() }
        let site = network.sites[0]
        var info: AgentInfo?
        #expect(
            site.eventually {
                info = AgentInfo.read(site.layout)
                return info?.console != nil
            })
        let url = try #require(info?.console)
        #expect(url.hasPrefix("http://127.0.0.1:"), "\(url)")
        let port = Int(url.split(separator: ":").last?.filter(\.isNumber) ?? "") ?? 0
        // Its own router's records: the site, its router, its listener and connector.
        var sites = ""
        #expect(
            site.eventually(timeout: 15) {
                sites = (try? PlainHTTP.get("/api/v2alpha1/sites", port: port).body) ?? ""
                return sites.contains("\"count\":1") && sites.contains("\"name\":\"h1\"")
            }, "\(sites)")
        var metrics = ""
        #expect(
            site.eventually {
                metrics = (try? PlainHTTP.get("/metrics", port: port).body) ?? ""
                return metrics.contains("skupper_site_info{") && metrics.contains("skupper_site_listeners_total{")
                    && metrics.contains("skupperd_reconciles_total")
            }, "\(metrics)")
        let state = try PlainHTTP.get("/api/console/state", port: port)
        #expect(state.status == 200 && state.body.contains("\"siteName\":\"h1\"") && state.body.contains("\"state\":\"running\""), "\(state)")
        // A page elsewhere cannot read it through a name of its own pointed at 127.0.0.1.
        #expect(try PlainHTTP.send("GET / HTTP/1.1\r\nHost: attacker.example:\(port)\r\n\r\n", port: port).status == 421)
        let status = try SkupperCLI.run(["system", "status"], site: site, timeout: 30)
        #expect(status.stdout.contains("Network console: \(url)"), "\(status)")
    }

    @Test func aConsoleOpenToTheNetworkNeedsAPasswordAndANamedAddressMustBeFree() throws {
        let skupperd = try BuiltProducts.executable("skupperd").path
        let site = try TemporarySite()
        let open = try run([skupperd, "--config-dir", site.layout.root.path, "--platform", "render", "--console-address", "0.0.0.0:18010"])
        #expect(open.status == 64 && open.output.contains("without authentication: give --console-password-file"), "\(open)")
        for (value, reason) in [("8010", "expected HOST:PORT (e.g. 127.0.0.1:8010, or none)"), ("127.0.0.1:0", "the port must be"), ("::1:8010", "brackets")] {
            let bad = try run([skupperd, "--config-dir", site.layout.root.path, "--console-address", value])
            #expect(bad.status == 64 && bad.output.contains(reason), "\(bad)")
        }
        let password = site.layout.root.appendingPathComponent("console-password").path
        try "admin:secret\n".write(toFile: password, atomically: true, encoding: .utf8)
        chmod(password, 0o644)
        let readable = try run([
            skupperd, "--config-dir", site.layout.root.path, "--platform", "render", "--console-address", "0.0.0.0:18010", "--console-password-file", password,
        ])
        #expect(readable.status == 64 && readable.output.contains("make it owner-only"), "\(readable)")
        // A named address that is taken ends the agent, saying why.
        let listener = try PlainHTTPListener()
        let taken = try run([
            skupperd, "--config-dir", site.layout.root.path, "--platform", "render", "--disable-grants", "--console-address", "127.0.0.1:\(listener.port)",
        ])
        #expect(taken.status == 1 && taken.output.contains("--console-address 127.0.0.1:\(listener.port): cannot listen"), "\(taken)")
    }
}

/// A TCP port held open on loopback (nothing answers on it).
final class PlainHTTPListener {
    let fd: Int32
    let port: Int

    init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, size) } }
        guard bound == 0, listen(socketFD, 1) == 0 else {
            close(socketFD)
            throw TestFailure("cannot listen")
        }
        var length = size
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        fd = socketFD
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
