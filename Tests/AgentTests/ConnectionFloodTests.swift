import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A neighbour holding many silent or slow connections to the agent's listening services fills its own address's and
/// network's share of them, never everyone's: a redemption and a health check from elsewhere answer at once, with the
/// agent under a 1,024-descriptor limit, and the agent's own work goes on.
@Suite("Connection floods from one address")
struct ConnectionFloodTests {
    /// Opens `count` connections from `source` to `port`; every other one sends a byte and then nothing (slow), the
    /// rest nothing at all (silent). Connections the server closed at once are counted as refused.
    static func flood(_ port: Int, from source: String, count: Int) -> (held: [Int32], refused: Int) {
        var held: [Int32] = []
        var refused = 0
        for index in 0..<count {
            guard let fd = try? PlainHTTP.connect(port: port, from: source, timeout: 2) else {
                refused += 1
                continue
            }
            if index % 2 == 1 { _ = send(fd, [0x16], 1, Int32(MSG_NOSIGNAL)) }
            held.append(fd)
        }
        return (held, refused)
    }

    /// How many of `fds` the server has closed (a read that returns at once with end of file or an error).
    static func closedByServer(_ fds: [Int32]) -> Int {
        fds.filter { fd in
            var pollEntry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pollEntry, 1, 0) == 1 else { return false }
            var byte: UInt8 = 0
            return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
        }.count
    }

    @Test func aThousandConnectionsFromOneAddressLockNobodyElseOut() async throws {
        PlainHTTP.raiseDescriptorLimit()
        let site = try TemporarySite()
        try site.write("site.yaml", GrantFlowTests.east)
        try site.write("grant.yaml", GrantFlowTests.grant("g", allowed: 2))
        let grantPort = freePort(), metricsPort = freePort()
        // Bound to all of 127.0.0.0/8, so that the test's clients can come from several loopback addresses.
        let agent = try AgentProcess(
            site: site,
            arguments: [
                "--grant-server-port", String(grantPort), "--grant-server-bind", "0.0.0.0",
                "--grant-server-host", "127.0.0.1", "--metrics-address", "0.0.0.0:\(metricsPort)",
            ],
            descriptorLimit: 1024)
        defer { agent.stop() }
        #expect(site.eventually { site.status(.accessGrant, "g")?.status.phase == .ready }, "log:\n\(agent.log)")
        #expect(agent.log.contains("the file descriptor limit is low"), "the agent says its limit is low:\n\(agent.log)")
        let grant = try #require(site.status(.accessGrant, "g")?.status)
        let url = try #require(grant.field("url")?.text), code = try #require(grant.field("code")?.text)
        let caFile = site.layout.root.appendingPathComponent("grant-ca.crt")
        try #require(grant.field("ca")?.text).write(to: caFile, atomically: true, encoding: .utf8)

        // 1,000 connections from 127.0.0.2 to each service: each keeps only its address's share.
        let grants = Self.flood(grantPort, from: "127.0.0.2", count: 1000)
        let metrics = Self.flood(metricsPort, from: "127.0.0.2", count: 1000)
        defer { for fd in grants.held + metrics.held { close(fd) } }
        try await Task.sleep(for: .milliseconds(500))
        let grantsOpen = grants.held.count - Self.closedByServer(grants.held)
        let metricsOpen = metrics.held.count - Self.closedByServer(metrics.held)
        #expect(grantsOpen <= 64, "the grant server holds \(grantsOpen) connections from one address")
        #expect(metricsOpen <= 8, "the metrics endpoint holds \(metricsOpen) connections from one address")

        // From another network (127.0.1.0/24): a redemption and a health check answer within a second.
        var started = ContinuousClock.now
        let redeemed = try await Curl.redemptionStatus(url, code: code, from: "127.0.1.2", caFile: caFile)
        let redemptionTime = ContinuousClock.now - started
        #expect(redeemed == "200", "redemption answered \(redeemed)\nlog:\n\(agent.log)")
        #expect(redemptionTime < .seconds(1), "the redemption took \(redemptionTime)")
        started = ContinuousClock.now
        let health = try PlainHTTP.get("/healthz", port: metricsPort, from: "127.0.1.3")
        let healthTime = ContinuousClock.now - started
        #expect(health.status == 200, "\(health)")
        #expect(healthTime < .seconds(1), "/healthz took \(healthTime)")

        // The agent still takes changes: descriptors were left for its own work.
        try site.write("listener.yaml", ResourceYAML.listener("after-flood", port: freePort(), host: "127.0.0.1"))
        #expect(site.eventually { site.status(.listener, "after-flood") != nil }, "log:\n\(agent.log)")
        #expect(!agent.log.contains("Too many open files"), "log:\n\(agent.log)")
    }
}
