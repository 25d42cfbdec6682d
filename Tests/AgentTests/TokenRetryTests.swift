import Foundation
import Logging
import Resources
import TestSupport
import Testing
import TokenRedemption

@testable import Agent

/// AccessTokens whose grant server fails for a passing reason (5xx, unreachable) are tried again with backoff, up
/// to a deadline; a 4xx answer is final at once.
@Suite("AccessToken retries")
struct TokenRetryTests {
    /// An honest answer from the token's server: the Secret and the Link asked for.
    static let honestAnswer =
        HostileGrantServer.secret.replacingOccurrences(of: "NAME", with: "@NAME@") + "\n---\n"
        + HostileGrantServer.link.replacingOccurrences(of: "CREDENTIALS", with: "@NAME@")

    /// Site West with its agent, Ready.
    static func readySite() throws -> (TemporarySite, AgentProcess) {
        let site = try TemporarySite()
        try site.write("site.yaml", GrantFlowTests.west)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.site, "west")?.status.phase == .ready }, "log:\n\(agent.log)")
        return (site, agent)
    }

    @Test func aServiceAnswering503IsRetriedWithBackoffUntilItRedeems() throws {
        let server = try HostileGrantServer(
            answer: Self.honestAnswer,
            failFirst: [
                (503, "Service Unavailable"), (503, "No valid endpoints found for site"),
            ])
        let (site, agent) = try Self.readySite()
        defer { agent.stop() }
        let started = Date()
        try site.write("token.yaml", server.token("patient"))
        // The second failure waits 2 s: long enough to see the status say so.
        #expect(
            site.eventually {
                site.status(.accessToken, "patient")?.status.message
                    .hasPrefix("Received HTTP Response 503: No valid endpoints found for site (attempt 2); next try in 2s, at 20") == true
            }, "status: \(String(describing: site.status(.accessToken, "patient")?.status.message))\nlog:\n\(agent.log)")
        #expect(site.status(.accessToken, "patient")?.status.phase == .pending)
        #expect(site.eventually { site.status(.accessToken, "patient")?.status.field("redeemed") == .bool(true) }, "log:\n\(agent.log)")
        #expect(site.status(.accessToken, "patient")?.status.message == "OK")
        #expect(server.requests == 3)
        // 1 s after the first failure, 2 s after the second (and at most the ticks' second more each).
        #expect(Date().timeIntervalSince(started) >= 3)
        #expect(site.eventually { site.status(.link, "patient") != nil }, "the received Link is in force")
    }

    /// A neighbour behind the same address burnt the limiter's allowance: the server answers 429 with Retry-After.
    /// The token stays Pending, says when it is tried again, waits as asked, and redeems once the server lets it.
    @Test func a429IsWaitedOutAsTheServerAsksNotFinal() throws {
        let server = try HostileGrantServer(
            answer: Self.honestAnswer,
            failFirst: [
                (429, "Too many failed redemption attempts; try again later"), (429, "Too many failed redemption attempts; try again later"),
            ], retryAfter: "2")
        let (site, agent) = try Self.readySite()
        defer { agent.stop() }
        let started = Date()
        try site.write("token.yaml", server.token("neighbourly"))
        var message = ""
        #expect(
            site.eventually {
                message = site.status(.accessToken, "neighbourly")?.status.message ?? ""
                return message.hasPrefix(
                    "Received HTTP Response 429: Too many failed redemption attempts; try again later (attempt 1); next try in 2s as the server asks, at 20")
            }, "status: \(message)\nlog:\n\(agent.log)")
        #expect(site.status(.accessToken, "neighbourly")?.status.phase == .pending)
        #expect(site.eventually(timeout: 15) { site.status(.accessToken, "neighbourly")?.status.field("redeemed") == .bool(true) }, "log:\n\(agent.log)")
        #expect(server.requests == 3)
        // Two waits of 2 s as asked (the backoff alone would have waited 1 s, then 2 s).
        #expect(Date().timeIntervalSince(started) >= 4)
    }

    @Test func retryAfterIsReadAsSecondsOrAnHTTPDateAndBounded() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(TokenRedeemer.retryAfter("120", now: now) == 120)
        #expect(TokenRedeemer.retryAfter(" 7 ", now: now) == 7)
        #expect(TokenRedeemer.retryAfter("99999999999999999999999", now: now) == TokenRedeemer.maximumRetryAfter)
        #expect(TokenRedeemer.retryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now: now) == 30)
        #expect(TokenRedeemer.retryAfter("Sun, 06 Nov 1994 08:49:07 GMT", now: now) == 0, "a date past is now")
        #expect(TokenRedeemer.retryAfter("Sun, 06 Nov 2994 08:49:07 GMT", now: now) == TokenRedeemer.maximumRetryAfter)
        for garbage in [nil, "", "-5", "soon", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", String(repeating: "9", count: 100)] {
            #expect(TokenRedeemer.retryAfter(garbage, now: now) == nil, "\(String(describing: garbage))")
        }
        #expect(TokenRedeemer.Failure.answered(status: 503, message: "busy", retryAfter: nil).isLater)
        #expect(!TokenRedeemer.Failure.answered(status: 500, message: "x", retryAfter: 5).isLater)
    }

    @Test func aLaterAnswerHasNoDeadlineButAnUnreachableServerStillHas() throws {
        let site = try TemporarySite()
        var access = Self.controller(site, retry: RedemptionRetry(initialDelay: 1, maximumDelay: 4, deadline: 10))
        var now = Date(timeIntervalSince1970: 1_000_000)
        // Thirty 429s over far more than the deadline: still pending, each wait as the server asked.
        for _ in 0..<30 {
            access.record("t", spec: Self.spec, result: .failure(.later(status: 429, message: "Too many", retryAfter: 60)), now: now)
            let state = try #require(access.tokens["t"])
            #expect(state.phase == .pending)
            #expect(state.retryAt == now.addingTimeInterval(60))
            now = state.retryAt!
        }
        // Without Retry-After, the backoff's waits (1, 2, 4, 4, ...), still without a deadline.
        access.record("t", spec: Self.spec, result: .failure(.later(status: 503, message: "busy", retryAfter: nil)), now: now)
        #expect(access.tokens["t"]?.phase == .pending && access.tokens["t"]?.retryAt == now.addingTimeInterval(4))
        // A final answer ends it.
        access.record("t", spec: Self.spec, result: .failure(.rejected(status: 404, message: "No such claim")), now: now)
        #expect(access.tokens["t"]?.phase == .rejected)
    }

    @Test func a404IsFinalAtOnceWithTheServersMessage() throws {
        // Were it sent again, the second request would be answered with a Link.
        let server = try HostileGrantServer(answer: Self.honestAnswer, failFirst: [(404, "No such claim")])
        let (site, agent) = try Self.readySite()
        defer { agent.stop() }
        let started = Date()
        try site.write("token.yaml", server.token("stale"))
        #expect(site.eventually { site.status(.accessToken, "stale")?.status.phase == .error }, "log:\n\(agent.log)")
        #expect(Date().timeIntervalSince(started) < 5, "a 404 fails at once")
        let status = try #require(site.status(.accessToken, "stale")?.status)
        #expect(
            status.message
                == "Received HTTP Response 404: No such claim: the token has expired or its grant was deleted: ask the granting site for a new token (skupper token issue) and redeem that"
        )
        #expect(status.field("redeemed") == .bool(false))
        sleep(3)
        #expect(server.requests == 1, "a 404 was sent again")
        #expect(site.status(.accessToken, "stale")?.status.phase == .error)
        #expect(site.status(.link, "stale") == nil)
    }

    // MARK: The controller's bookkeeping, with a clock of its own

    static func controller(_ site: TemporarySite, retry: RedemptionRetry) -> AccessController {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let options = AgentOptions(layout: site.layout, grantServer: GrantServerOptions(bindHost: "127.0.0.1", port: freePort()))
        let (server, ledger) = AgentService.grantServer(options, logger: logger)
        var access = AccessController(layout: site.layout, options: options.grantServer, retry: retry, server: server, ledger: ledger, logger: logger)
        access.tokens["t"] = TokenState(url: spec.url, code: spec.code, phase: .pending, message: "Waiting to redeem the token")
        return access
    }

    static let spec = AccessTokenSpec(url: "https://127.0.0.1:1/x", ca: "ca", code: "code")

    @Test func failuresThatMayPassAreRetriedWithDoublingWaitsUntilTheDeadline() throws {
        let site = try TemporarySite()
        var access = Self.controller(site, retry: RedemptionRetry(initialDelay: 1, maximumDelay: 4, deadline: 10))
        let start = Date(timeIntervalSince1970: 1_000_000)
        let unavailable = TokenRedeemer.Failure.rejected(status: 503, message: "Service Unavailable")
        var now = start
        var waits: [TimeInterval] = []
        while access.tokens["t"]?.phase == .pending, waits.count < 20 {
            access.record("t", spec: Self.spec, result: .failure(unavailable), now: now)
            guard let state = access.tokens["t"], let retryAt = state.retryAt, state.phase == .pending else { break }
            #expect(
                state.message
                    == "Received HTTP Response 503: Service Unavailable (attempt \(state.attempts)); retrying in \(Int(retryAt.timeIntervalSince(now)))s (delete the AccessToken to stop)"
            )
            #expect(access.nextDeadline(now: now) == retryAt)
            waits.append(retryAt.timeIntervalSince(now))
            now = retryAt
        }
        // 1, 2, 4; the next wait (4, the maximum) would end after the 10 s deadline: the fourth failure is the last.
        #expect(waits == [1, 2, 4], "\(waits)")
        let state = try #require(access.tokens["t"])
        #expect(state.phase == .rejected)
        #expect(state.retryAt == nil && access.nextDeadline(now: now) == nil)
        #expect(state.message == "Received HTTP Response 503: Service Unavailable; gave up after 4 attempts in 7s")
        #expect(state.status.phase == .error)
        // Given up on, the state survives a restart as it is.
        #expect(TokenState.load(access.tokenDirectory)["t"]?.phase == .rejected)
    }

    @Test func aFailureAboutTheTokenIsFinalAndASuccessClearsTheRetries() throws {
        let site = try TemporarySite()
        var access = Self.controller(site, retry: .standard)
        let now = Date()
        access.record("t", spec: Self.spec, result: .failure(.unreachable("connection refused")), now: now)
        #expect(access.tokens["t"]?.phase == .pending)
        #expect(
            access.tokens["t"]?.message
                == "cannot reach the redemption service: connection refused (attempt 1); retrying in 1s (delete the AccessToken to stop)")
        access.record("t", spec: Self.spec, result: .failure(.rejected(status: 502, message: "Bad Gateway")), now: now.addingTimeInterval(1))
        #expect(access.tokens["t"]?.message == "Received HTTP Response 502: Bad Gateway (attempt 2); retrying in 2s (delete the AccessToken to stop)")
        access.record("t", spec: Self.spec, result: .success(()), now: now.addingTimeInterval(3))
        #expect(access.tokens["t"]?.phase == .redeemed)
        #expect(access.tokens["t"]?.firstFailure == nil && access.tokens["t"]?.retryAt == nil)

        for (status, message) in [(404, "No such claim"), (403, "Redemption of access token refused"), (400, "Invalid name")] {
            access.tokens["t"] = TokenState(url: Self.spec.url, code: Self.spec.code, phase: .pending, message: "")
            access.record("t", spec: Self.spec, result: .failure(.rejected(status: status, message: message)), now: now)
            #expect(access.tokens["t"]?.phase == .rejected)
            #expect(access.tokens["t"]?.message.hasPrefix("Received HTTP Response \(status): \(message)") == true)
            #expect(access.tokens["t"]?.retryAt == nil)
        }
    }
}
