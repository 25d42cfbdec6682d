import Foundation
import Resources
import TestSupport
import Testing

/// A MultiKeyListener on the real skupper-router 3.5.1, run and managed by the agent (the process platform): the
/// router takes its tcpListener and listenerAddresses, routes by priority, falls back when the first key loses its
/// connector, and takes changes through management without a restart.
@Suite("MultiKeyListener on a real router", .serialized)
struct MultiKeyListenerRouterTests {
    static func multiKeyListener(port: Int, keys: [String]) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: MultiKeyListener
        metadata:
          name: db
        spec:
          host: 127.0.0.1
          port: \(port)
          strategy:
            priority:
              routingKeys: [\(keys.joined(separator: ", "))]
        """
    }

    /// Which server answers a new connection through `port` (its 8-byte tag), nil when none does.
    static func answer(_ port: Int) -> String? {
        // The server answers its tag, then the payload: the tag is the first 8 bytes.
        echoRoundTrip(port: port, payload: Array("........".utf8), timeout: 1).map { String(decoding: $0.prefix(8), as: UTF8.self) }
    }

    @Test func connectionsGoToTheFirstReachableKeyAndChangesApplyLive() throws {
        let site = try TemporarySite()
        let primary = try EchoServer(tag: "primary!"), backup = try EchoServer(tag: "backup!!")
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: multi\n")
        try site.write("primary.yaml", ResourceYAML.connector("primary", port: primary.port, host: "127.0.0.1", routingKey: "db-primary"))
        try site.write("backup.yaml", ResourceYAML.connector("backup", port: backup.port, host: "127.0.0.1", routingKey: "db-backup"))
        let port = freePort()
        try site.write("db.yaml", Self.multiKeyListener(port: port, keys: ["db-primary", "db-backup"]))
        let agent = try AgentProcess(site: site, arguments: try LiveNetworkTests.arguments())
        defer { agent.stop() }
        let reachable = { MultiKeyListenerStatusView(site.status(.multiKeyListener, "db")?.status ?? .pending("")).routingKeysReachable }
        let routerLog = { (try? String(contentsOf: site.layout.routerDirectory.appendingPathComponent("skrouterd.log"), encoding: .utf8)) ?? "" }

        #expect(site.eventually(timeout: 30) { Self.answer(port) == "primary!" }, "\(agent.log.suffix(3000))\n\(routerLog().suffix(3000))")
        #expect(site.eventually(timeout: 10) { reachable() == ["db-primary", "db-backup"] }, "\(String(describing: site.status(.multiKeyListener, "db")))")
        #expect(
            site.eventually(timeout: 10) { site.status(.multiKeyListener, "db")?.status.phase == .ready },
            "\(String(describing: site.status(.multiKeyListener, "db")))")
        let pid = LiveNetworkTests.routerPid(site)
        #expect(pid != nil)

        // The first key loses its connector: new connections go to the next one.
        try site.remove("primary.yaml")
        #expect(site.eventually(timeout: 15) { Self.answer(port) == "backup!!" }, "\(agent.log.suffix(3000))")
        #expect(site.eventually(timeout: 10) { reachable() == ["db-backup"] })

        // A new order, then a new port (its tcpListener replaced: the router wants its listenerAddresses gone first).
        try site.write("primary.yaml", ResourceYAML.connector("primary", port: primary.port, host: "127.0.0.1", routingKey: "db-primary"))
        try site.write("db.yaml", Self.multiKeyListener(port: port, keys: ["db-backup", "db-primary"]))
        #expect(site.eventually(timeout: 15) { reachable() == ["db-backup", "db-primary"] && Self.answer(port) == "backup!!" })
        let moved = freePort()
        try site.write("db.yaml", Self.multiKeyListener(port: moved, keys: ["db-primary", "db-backup"]))
        #expect(site.eventually(timeout: 15) { Self.answer(moved) == "primary!" }, "\(agent.log.suffix(3000))")
        #expect(site.eventually(timeout: 5) { Self.answer(port) == nil })
        #expect(LiveNetworkTests.routerPid(site) == pid, "the router was restarted")
        // The router refused nothing (its answers to management carry a status code).
        #expect(!agent.log.contains("CError") && !agent.log.contains(": 400 ") && !agent.log.contains(": 500 "), "\(agent.log.suffix(3000))")

        // Gone: its entities leave the router.
        try site.remove("db.yaml")
        #expect(site.eventually(timeout: 10) { Self.answer(moved) == nil })
        // The router refused nothing (its answers to management carry a status code).
        #expect(!agent.log.contains("CError") && !agent.log.contains(": 400 ") && !agent.log.contains(": 500 "), "\(agent.log.suffix(3000))")
    }
}
