import Certificates
import Foundation
import Grants
import Logging
import NIOCore
import Resources
import TestSupport
import Testing
import TokenRedemption

/// A grant server on loopback with a fresh site CA, a server certificate and a ledger in a temporary directory.
final class ServerFixture: @unchecked Sendable {
    let directory: URL
    let ledger: GrantLedger
    let server: GrantServer
    let siteCA: CertificateAuthority
    let serverCA: CertificateAuthority
    let port: Int
    /// The server's `run()`, as a service group would run it: it accepts what `start` bound.
    let serving: Task<Void, Never>

    init(limiter: FailureLimiter = FailureLimiter(limit: 1000), limits: GrantServer.Limits = GrantServer.Limits()) async throws {
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("gs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ledger = GrantLedger(directory: directory.appendingPathComponent("grants"))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server = GrantServer(host: "127.0.0.1", port: 0, ledger: ledger, limiter: limiter, limits: limits, logger: logger)
        siteCA = try CertificateAuthority.generate(commonName: "skupper-site-ca")
        serverCA = try CertificateAuthority.generate(commonName: "skupper-grant-server-ca")
        let credentials = try serverCA.issue(commonName: "skupper-grant-server", hosts: ["127.0.0.1", "localhost"], usage: .server)
        server.setContext(
            RedemptionContext(
                siteName: "east", edge: false, issuer: siteCA,
                endpoints: [
                    LinkSpec.Endpoint(name: "inter-router", host: "127.0.0.1", port: "55671", group: "east"),
                    LinkSpec.Endpoint(name: "edge", host: "127.0.0.1", port: "45671", group: "east"),
                ]))
        let server = server
        serving = Task { try? await server.run() }
        try await server.start(credentials: credentials)
        port = try #require(server.boundPort)
    }

    deinit {
        serving.cancel()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops the server as the service group does at shutdown, and waits for its connections to end.
    func stop() async {
        serving.cancel()
        await serving.value
    }

    var desired: [GrantLedger.Desired] = []

    /// Adds a grant (keeping the ones added before).
    func grant(_ name: String, allowed: Int = 1, window: Double = 900, code: String? = nil) throws -> GrantRecord {
        desired.append(GrantLedger.Desired(name: name, code: code, expirationWindow: GoDuration(seconds: window), redemptionsAllowed: allowed))
        return try ledger.sync(desired)[name]!
    }

    func token(_ record: GrantRecord, code: String? = nil, uid: String? = nil) -> AccessTokenSpec {
        AccessTokenSpec(url: "https://127.0.0.1:\(port)/\(uid ?? record.uid)", ca: serverCA.certificatePEM, code: code ?? record.code)
    }
}

@Suite("Grant server")
struct GrantServerTests {
    @Test func redemptionReturnsASecretAndLinkSignedByTheSiteCA() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.serving.cancel() }
        let record = try fixture.grant("g1")
        let outcome = try await TokenRedeemer.redeem(fixture.token(record), name: "to-east", subject: "west")
        #expect(outcome.secret.name == "to-east")
        let secret = try #require(outcome.secret.secret)
        #expect(secret.type == "kubernetes.io/tls")
        let credentials = try #require(TLSCredentials(secretData: secret.data))
        #expect(credentials.caPEM == fixture.siteCA.certificatePEM)
        #expect(fixture.siteCA.signed(certificatePEM: credentials.certificatePEM))
        #expect(outcome.links.map(\.name) == ["to-east"])
        let link = try #require(outcome.links.first?.link)
        #expect(link.tlsCredentials == "to-east")
        #expect(link.endpoint(role: "inter-router")?.port == "55671" && link.endpoint(role: "edge")?.port == "45671")
        #expect(fixture.ledger.record(named: "g1")?.redemptions == 1)
    }

    @Test func wrongCodeUnknownGrantExpiredAndExhausted() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.serving.cancel() }
        let record = try fixture.grant("g1")
        await #expect(throws: TokenRedeemer.Failure.rejected(status: 403, message: "Redemption of access token refused")) {
            try await TokenRedeemer.redeem(fixture.token(record, code: "wrong"), name: "a", subject: "w")
        }
        await #expect(throws: TokenRedeemer.Failure.rejected(status: 404, message: "No such claim")) {
            try await TokenRedeemer.redeem(fixture.token(record, uid: "no-such-grant"), name: "a", subject: "w")
        }
        _ = try await TokenRedeemer.redeem(fixture.token(record), name: "a", subject: "w")
        await #expect(throws: TokenRedeemer.Failure.rejected(status: 404, message: "No such access granted")) {
            try await TokenRedeemer.redeem(fixture.token(record), name: "b", subject: "w")
        }
        let short = try fixture.grant("short", window: 0.5)
        try await Task.sleep(until: .now + .seconds(max(0, short.expirationTime.timeIntervalSinceNow) + 0.2))
        await #expect(throws: TokenRedeemer.Failure.rejected(status: 404, message: "No such claim")) {
            try await TokenRedeemer.redeem(fixture.token(short), name: "c", subject: "w")
        }
        // Refusals cost nothing: the wrong code did not use a redemption.
        #expect(fixture.ledger.record(named: "g1")?.redemptions == 1)
    }

    @Test func exactlyTheAllowedNumberUnderConcurrency() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.serving.cancel() }
        let record = try fixture.grant("busy", allowed: 3)
        let token = fixture.token(record)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask {
                    (try? await TokenRedeemer.redeem(token, name: "link-\(index)", subject: "s")) != nil
                }
            }
            var successes = 0
            for await ok in group where ok { successes += 1 }
            return successes
        }
        #expect(results == 3)
        #expect(fixture.ledger.record(named: "busy")?.redemptions == 3)
        // The count is on disk too: a new ledger over the same directory sees it.
        #expect(GrantLedger(directory: fixture.directory.appendingPathComponent("grants")).record(named: "busy")?.redemptions == 3)
    }

    @Test func countsSurviveARestart() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.serving.cancel() }
        let record = try fixture.grant("g", allowed: 2)
        _ = try await TokenRedeemer.redeem(fixture.token(record), name: "one", subject: "s")
        let reopened = GrantLedger(directory: fixture.directory.appendingPathComponent("grants"))
        let again = try #require(reopened.record(named: "g"))
        #expect(again.redemptions == 1 && again.uid == record.uid && again.code == record.code && again.expirationTime == record.expirationTime)
        // Syncing the same desired grant keeps the count, uid and expiry.
        try reopened.sync([GrantLedger.Desired(name: "g", code: nil, expirationWindow: GoDuration(seconds: 900), redemptionsAllowed: 2)])
        #expect(reopened.record(named: "g") == again)
    }

    @Test func methodsBodiesAndTLSVersions() async throws {
        let fixture = try await ServerFixture(
            limits: {
                var limits = GrantServer.Limits()
                limits.readTimeout = .seconds(3)
                return limits
            }())
        defer { fixture.serving.cancel() }
        let caFile = fixture.directory.appendingPathComponent("ca.crt")
        try fixture.serverCA.certificatePEM.write(to: caFile, atomically: true, encoding: .utf8)
        let base = "https://127.0.0.1:\(fixture.port)/x"
        let get = try await TestClients.runOffThePool(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", caFile.path, base])
        #expect(get.output == "405")
        let big = String(repeating: "a", count: 100_000)
        let large = try await TestClients.runOffThePool([
            "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", caFile.path, "--data-binary", big, base,
        ])
        #expect(large.output == "413")
        // TLS 1.2 is refused: TLS 1.3 only.
        let old = try await TestClients.runOffThePool(["curl", "-s", "-o", "/dev/null", "--tls-max", "1.2", "--cacert", caFile.path, "-X", "POST", base])
        #expect(old.status != 0)
        // Plain HTTP gets nothing useful.
        let plain = try await TestClients.runOffThePool([
            "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "http://127.0.0.1:\(fixture.port)/x",
        ])
        #expect(plain.output != "200")
        // A client that connects and sends nothing is disconnected.
        let started = Date()
        let slow = try await TestClients.runOffThePool(["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/\(fixture.port); cat <&3 >/dev/null; echo closed"])
        #expect(slow.output.contains("closed"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func wrongCodesInALoopAreRateLimited() async throws {
        let fixture = try await ServerFixture(limiter: FailureLimiter(limit: 5, window: 60))
        defer { fixture.serving.cancel() }
        let record = try fixture.grant("g")
        var statuses: [Int] = []
        for _ in 0..<8 {
            do {
                _ = try await TokenRedeemer.redeem(fixture.token(record, code: "guess"), name: "a", subject: "s")
            } catch .rejected(let status, _), .later(let status, _, _) {
                statuses.append(status)
            }
        }
        #expect(statuses == [403, 403, 403, 403, 403, 429, 429, 429])
        // Even the right code waits out the penalty from that address.
        await #expect(throws: TokenRedeemer.Failure.later(status: 429, message: "Too many failed redemption attempts; try again later", retryAfter: 60)) {
            try await TokenRedeemer.redeem(fixture.token(record), name: "a", subject: "s")
        }
    }

    @Test func codesAreRandomAndComparedWholly() {
        let codes = Set((0..<1000).map { _ in GrantCode.generate() })
        #expect(codes.count == 1000)
        #expect(codes.allSatisfy { $0.count == 24 && $0.allSatisfy { $0.isLetter || $0.isNumber } })
        #expect(GrantCode.matches(Array("abc".utf8), "abc"))
        #expect(!GrantCode.matches(Array("abd".utf8), "abc"))
        #expect(!GrantCode.matches(Array("ab".utf8), "abc"))
        #expect(!GrantCode.matches(Array("abcd".utf8), "abc"))
        #expect(!GrantCode.matches([], ""))
    }
}
