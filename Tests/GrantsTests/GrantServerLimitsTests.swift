import Certificates
import Foundation
import Grants
import NIOCore
import Resources
import ServerLimits
import TestSupport
import Testing
import TokenRedemption

/// The holes an adversarial probe found: trickling clients, connection floods, guesses spread over a network,
/// and refused requests that used up a redemption.
@Suite("Grant server limits")
struct GrantServerLimitsTests {
    static func limits(readTimeout: TimeAmount = .seconds(30), deadline: TimeAmount = .seconds(60), connections: Int = 256) -> GrantServer.Limits {
        var limits = GrantServer.Limits()
        limits.readTimeout = readTimeout
        limits.connectionDeadline = deadline
        limits.connections = ConnectionCaps(total: connections, perAddress: connections, perNetwork: connections)
        return limits
    }

    /// Runs `body` with a started fixture and stops its server afterwards, whether `body` throws or not.
    static func withServer(
        limiter: FailureLimiter = FailureLimiter(limit: 1000), limits: GrantServer.Limits = GrantServer.Limits(),
        _ body: (ServerFixture) async throws -> Void
    ) async throws {
        let fixture = try await ServerFixture(limiter: limiter, limits: limits)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    static func caFile(_ fixture: ServerFixture) throws -> URL {
        let file = fixture.directory.appendingPathComponent("ca.crt")
        try fixture.serverCA.certificatePEM.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// A byte every 0.4 s never trips the 1 s idle timeout; the 2.5 s deadline closes the connection anyway,
    /// both while the TLS handshake is trickled and while the request is trickled after it.
    @Test(arguments: [false, true])
    func tricklingClientIsClosedByTheDeadline(afterHandshake: Bool) async throws {
        try await Self.withServer(limits: Self.limits(readTimeout: .seconds(1), deadline: .milliseconds(2500))) { fixture in
            let record = try fixture.grant("g")
            // Before the connection exists, so before the server's deadline starts.
            let began = ContinuousClock.now
            let channel = try await TestClients.connect(port: fixture.port, tlsTrusting: afterHandshake ? fixture.serverCA.certificatePEM : nil)
            defer { channel.close(promise: nil) }
            let bytes: [UInt8]
            if afterHandshake {
                bytes = Array("POST /\(record.uid) HTTP/1.1\r\nHost: x\r\nContent-Length: 24\r\n\r\n\(record.code)".utf8)
            } else {
                // A TLS handshake record announcing 16 KiB, then its body a byte at a time.
                try await channel.writeAndFlush(ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x40, 0x00])).get()
                bytes = [0]
            }
            let closed = try await TestClients.trickle(bytes, over: channel, every: .milliseconds(400), giveUpAfter: .seconds(8))
            let open = try #require(closed, "the trickling connection was never closed") - began
            #expect(open >= .milliseconds(2500), "closed after \(open): before the deadline (by the idle timeout?)")
            #expect(open < .seconds(5), "closed only after \(open)")
            #expect(fixture.ledger.record(named: "g")?.redemptions == 0)
        }
    }

    /// With room for three connections, three idle ones fill it: the fourth is closed at once, the three stay,
    /// and a redemption works again as soon as one of them goes.
    @Test func connectionsBeyondTheCapAreClosedAtOnce() async throws {
        try await Self.withServer(limits: Self.limits(connections: 3)) { fixture in
            let record = try fixture.grant("g")
            var idle: [Channel] = []
            for _ in 0..<3 { idle.append(try await TestClients.connect(port: fixture.port)) }
            defer { for channel in idle { channel.close(promise: nil) } }
            #expect(try await TestClients.eventually { fixture.server.connectionCount == 3 })

            let extra = try await TestClients.connect(port: fixture.port)
            defer { extra.close(promise: nil) }
            #expect(try await TestClients.eventually(within: .seconds(2)) { !extra.isActive }, "the connection beyond the cap was not closed")
            await #expect(throws: TokenRedeemer.Failure.self) {
                try await TokenRedeemer.redeem(fixture.token(record), name: "full", subject: "w", timeout: .seconds(3))
            }
            #expect(idle.allSatisfy { $0.isActive }, "a refused connection disturbed the ones being served")
            #expect(fixture.server.connectionCount == 3)

            try await idle.removeFirst().close()
            #expect(try await TestClients.eventually { fixture.server.connectionCount == 2 })
            let outcome = try await TokenRedeemer.redeem(fixture.token(record), name: "freed", subject: "w")
            #expect(outcome.secret.name == "freed")
            #expect(fixture.ledger.record(named: "g")?.redemptions == 1)
            #expect(idle.allSatisfy { $0.isActive })
        }
    }

    /// Wrong codes from 127.0.0.2, 127.0.0.3, ... each stay under the per-address limit, but together they reach
    /// the /24's limit: then every address in 127.0.0.0/24 gets 429, while 127.0.1.0/24 is still answered.
    @Test func guessesSpreadOverANetworkHitItsLimit() async throws {
        try await Self.withServer(limiter: FailureLimiter(limit: 3, networkLimit: 6, window: 60)) { fixture in
            let record = try fixture.grant("g")
            let caFile = try Self.caFile(fixture)
            let url = "https://127.0.0.1:\(fixture.port)/\(record.uid)"
            var statuses: [String] = []
            for host in 2...5 {
                for _ in 0..<2 { statuses.append(try await TestClients.curlStatus(url, code: "guess", from: "127.0.0.\(host)", caFile: caFile)) }
            }
            #expect(statuses == ["403", "403", "403", "403", "403", "403", "429", "429"])
            #expect(try await TestClients.curlStatus(url, code: record.code, from: "127.0.0.9", caFile: caFile) == "429")
            #expect(try await TestClients.curlStatus(url, code: "guess", from: "127.0.1.2", caFile: caFile) == "403")
            #expect(try await TestClients.curlStatus(url, code: record.code, from: "127.0.1.3", caFile: caFile) == "200")
        }
    }

    /// A bad `name` is refused before the redemption is counted; so are a missing site and an edge site.
    @Test func refusedRequestsNeverUseARedemption() async throws {
        try await Self.withServer { fixture in
            let record = try fixture.grant("g", allowed: 2)
            for name in ["Bad_Name", "-x", "a_b", "x.", String(repeating: "a", count: 254)] {
                await #expect(throws: TokenRedeemer.Failure.rejected(status: 400, message: RedemptionFailure.invalidName(name).message)) {
                    try await TokenRedeemer.redeem(fixture.token(record), name: name, subject: "w")
                }
            }
            #expect(fixture.ledger.record(named: "g")?.redemptions == 0)

            let context = RedemptionContext(
                siteName: "east", edge: false, issuer: fixture.siteCA,
                endpoints: [
                    LinkSpec.Endpoint(name: "inter-router", host: "127.0.0.1", port: "55671", group: "east")
                ])
            fixture.server.setContext(nil)
            await #expect(throws: TokenRedeemer.Failure.rejected(status: 500, message: "Site not yet defined")) {
                try await TokenRedeemer.redeem(fixture.token(record), name: "l", subject: "w")
            }
            do throws(TokenRedeemer.Failure) {
                _ = try await TokenRedeemer.redeem(fixture.token(record), name: "l", subject: "w")
                Issue.record("redeemed at a server without a site")
            } catch {
                #expect(error.isRetryable, "a site still being set up is worth waiting for")
            }
            var edge = context
            edge.edge = true
            fixture.server.setContext(edge)
            await #expect(throws: TokenRedeemer.Failure.rejected(status: 500, message: "Edge sites cannot accept incoming links from remote sites")) {
                try await TokenRedeemer.redeem(fixture.token(record), name: "l", subject: "w")
            }
            #expect(fixture.ledger.record(named: "g")?.redemptions == 0)

            // A DNS subdomain (with dots) is a name Skupper v2 accepts too.
            fixture.server.setContext(context)
            let caFile = try Self.caFile(fixture)
            #expect(
                try await TestClients.curlStatus("https://127.0.0.1:\(fixture.port)/\(record.uid)", code: record.code, name: "to.east", caFile: caFile) == "200"
            )
            #expect(fixture.ledger.record(named: "g")?.redemptions == 1)
        }
    }

    /// Many sites behind one address redeeming at once: a right code never counts against the others, however
    /// many are in flight (with the default limit of 10 refusals per address, 64 concurrent redemptions all succeed);
    /// wrong codes still do.
    @Test func concurrentRightCodesFromOneAddressAreNotLimited() async throws {
        try await Self.withServer(limiter: FailureLimiter()) { fixture in
            let record = try fixture.grant("many", allowed: 1000)
            let token = fixture.token(record)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<64 {
                    group.addTask { (try? await TokenRedeemer.redeem(token, name: "site-\(index)", subject: "w", timeout: .seconds(30))) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 64, "\(outcomes.filter { !$0 }.count) of 64 refused")
            #expect(fixture.ledger.record(named: "many")?.redemptions == 64)
            // Ten wrong codes from the same address: the eleventh attempt, even with the right code, is refused.
            for _ in 0..<10 { _ = try? await TokenRedeemer.redeem(fixture.token(record, code: "wrong-code-wrong-code-00"), name: "x", subject: "w") }
            // A "later", with the limiter's window as Retry-After: the redeemer waits, it does not give the token up.
            await #expect(throws: TokenRedeemer.Failure.later(status: 429, message: "Too many failed redemption attempts; try again later", retryAfter: 60)) {
                try await TokenRedeemer.redeem(token, name: "late", subject: "w")
            }
        }
    }
}
