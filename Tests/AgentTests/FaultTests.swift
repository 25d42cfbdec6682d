import Agent
import Foundation
import Grants
import Resources
import SiteFiles
import TestSupport
import Testing
import TokenRedemption

@Suite("Faults: crashes, secrets, the notify socket")
struct FaultTests {
    static let east = GrantFlowTests.east

    /// Everything under runtime/ must be whole: status files parse, the router config is JSON, state parses.
    static func checkNoTornFiles(_ site: TemporarySite) throws {
        let runtime = site.layout.runtime
        let files = FileManager.default.enumerator(atPath: runtime.path)?.compactMap { $0 as? String } ?? []
        for file in files {
            let url = runtime.appendingPathComponent(file)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            // A write cut short leaves its temporary file, which no reader opens and the next start removes.
            if url.lastPathComponent.hasPrefix(".") && url.lastPathComponent.hasSuffix(".tmp") { continue }
            if url.lastPathComponent == "agent.lock" { continue }
            let data = try Data(contentsOf: url)
            if file.hasPrefix("status/") && file != "status/input-errors.yaml" {
                #expect(throws: Never.self, "torn status file \(file)") { try StatusDocument.parse(String(decoding: data, as: UTF8.self)) }
            } else if file.hasSuffix(".json") {
                #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "torn JSON file \(file)")
            } else if file.hasSuffix(".crt") || file.hasSuffix(".key") {
                let text = String(decoding: data, as: UTF8.self)
                #expect(text.hasPrefix("-----BEGIN") && text.contains("-----END"), "torn PEM file \(file)")
            }
        }
    }

    @Test func killNineAtRandomPointsLosesAndTearsNothing() async throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.east)
        try site.write("grant.yaml", GrantFlowTests.grant("g", allowed: 6, window: "1h"))
        let port = freePort()
        var agent = try GrantFlowTests.issuer(site, port: port)
        #expect(site.eventually { site.status(.accessGrant, "g")?.status.phase == .ready }, "log:\n\(agent.log)")
        let grant = try #require(site.status(.accessGrant, "g")?.status)
        let token = AccessTokenSpec(url: grant.field("url")!.text!, ca: grant.field("ca")!.text!, code: grant.field("code")!.text!)
        var successes = 0
        var lastCount = 0
        var random = SystemRandomNumberGenerator()
        for round in 0..<6 {
            // Change files and redeem while the agent runs, then kill it without warning.
            async let redeemed: Bool = (try? await TokenRedeemer.redeem(token, name: "r\(round)", subject: "s", timeout: .seconds(3))) != nil
            for index in 0..<20 {
                try site.saveAtomically("l\(index).yaml", ResourceYAML.listener("l\(index)", port: 20000 + index + round * 100))
            }
            usleep(UInt32.random(in: 0...150_000, using: &random))
            agent.signal(SIGKILL)
            agent.process.waitUntilExit()
            if await redeemed { successes += 1 }
            try Self.checkNoTornFiles(site)

            agent = try GrantFlowTests.issuer(site, port: port)
            // runtime/agent.yaml names the new agent once its first reconcile (statuses included) is done; until
            // then the status files on disk are the killed agent's.
            let restarted = agent.pid
            #expect(site.eventually(timeout: 20) { AgentInfo.read(site.layout)?.pid == restarted }, "log:\n\(agent.log)")
            // After the restart the router config matches the input exactly.
            #expect(
                site.eventually(timeout: 20) {
                    guard let config = site.routerConfig else { return false }
                    return (0..<20).allSatisfy { config.contains("\"port\": \"\(20000 + $0 + round * 100)\"") }
                }, "log:\n\(agent.log)")
            #expect(site.eventually { site.status(.accessGrant, "g") != nil })
            let count = site.status(.accessGrant, "g")?.status.field("redemptions").flatMap { if case .int(let n) = $0 { n } else { nil } } ?? -1
            // Counts never reset, never exceed what is allowed, and cover every redemption a client received.
            #expect(count >= lastCount && count <= 6 && count >= successes, "round \(round): count \(count), last \(lastCount), successes \(successes)")
            lastCount = count
        }
        agent.stop()
        try Self.checkNoTornFiles(site)
        let leftovers = FileManager.default.enumerator(atPath: site.layout.runtime.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".tmp") } ?? []
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func privateKeysArePrivateAndNeverInLogsOrStatus() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        try a.write("site.yaml", Self.east)
        try a.write("grant.yaml", GrantFlowTests.grant("g"))
        try b.write("site.yaml", GrantFlowTests.west)
        let agentA = try GrantFlowTests.issuer(a)
        let agentB = try AgentProcess(site: b, arguments: ["--log-level", "trace"])
        #expect(a.eventually { a.status(.accessGrant, "g")?.status.phase == .ready }, "log:\n\(agentA.log)")
        try b.write("token.yaml", try GrantFlowTests.token("t", from: a.status(.accessGrant, "g")!.status))
        #expect(b.eventually { b.status(.accessToken, "t")?.status.field("redeemed") == .bool(true) }, "log:\n\(agentB.log)")
        agentA.stop()
        agentB.stop()
        for site in [a, b] {
            let runtime = site.layout.runtime
            for file in FileManager.default.enumerator(atPath: runtime.path)?.compactMap({ $0 as? String }) ?? [] {
                let url = runtime.appendingPathComponent(file)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                // A write cut short leaves its temporary file, which no reader opens and the next start removes.
                if url.lastPathComponent.hasPrefix(".") && url.lastPathComponent.hasSuffix(".tmp") { continue }
                if url.lastPathComponent == "agent.lock" { continue }
                let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
                if file.hasPrefix("status/") {
                    #expect(!text.contains("PRIVATE KEY"), "a private key in \(file)")
                }
                // Keys, and grant and token state (which holds codes), are for the agent's user alone.
                if file.hasSuffix("tls.key") || text.contains("PRIVATE KEY") || file.hasPrefix("state/grants/") || file.hasPrefix("state/tokens/") {
                    let mode = (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? 0
                    #expect(mode & 0o077 == 0, "\(file) is readable by others (mode \(String(mode, radix: 8)))")
                }
            }
        }
        #expect(!agentA.log.contains("PRIVATE KEY") && !agentB.log.contains("PRIVATE KEY"))
        let code = try #require(a.status(.accessGrant, "g")?.status.field("code")?.text)
        #expect(!agentA.log.contains(code) && !agentB.log.contains(code), "a grant code was logged")
    }

    @Test func notifySocketGoingAwayAndComingBack() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.east)
        var socket: NotifySocket? = try NotifySocket()
        let path = socket!.path
        let agent = try AgentProcess(site: site, environment: ["NOTIFY_SOCKET": path])
        defer { agent.stop() }
        var seen: [String] = []
        #expect(socket!.waitFor(timeout: 20, seen: &seen) { $0.contains("READY=1") } != nil, "log:\n\(agent.log)")
        socket = nil  // the service manager's socket disappears
        try site.write("l1.yaml", ResourceYAML.listener("l1", port: 8081))
        #expect(site.eventually { site.status(.listener, "l1") != nil })
        #expect(agent.process.isRunning)
        socket = try NotifySocket(path: path)  // and comes back
        try site.write("l2.yaml", ResourceYAML.listener("l2", port: 8082))
        #expect(socket!.waitFor(timeout: 10, seen: &seen) { $0.hasPrefix("STATUS=") && $0.contains("2 listeners") } != nil, "\(seen)")
    }
}
