import CLI
import Foundation
import Resources
import TestSupport
import Testing

/// Two agents on loopback, each with its own directory: A issues, B redeems.
@Suite("Grants and tokens between two agents")
struct GrantFlowTests {
    static let east = """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata: {name: east}
        spec: {linkAccess: default}
        """
    static let west = """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata: {name: west}
        """

    static func grant(_ name: String, allowed: Int = 1, window: String = "15m") -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: AccessGrant
        metadata: {name: \(name)}
        spec: {redemptionsAllowed: \(allowed), expirationWindow: \(window)}
        """
    }

    /// Starts an issuing agent on a free grant-server port.
    static func issuer(_ site: TemporarySite, port: Int = freePort()) throws -> AgentProcess {
        try AgentProcess(site: site, arguments: ["--grant-server-port", String(port), "--grant-server-bind", "127.0.0.1", "--grant-server-host", "127.0.0.1"])
    }

    /// An AccessToken document from a grant's status (what `skupper access-token issue` writes).
    static func token(_ name: String, from status: ResourceStatus, code: String? = nil) throws -> String {
        let url = try #require(status.field("url")?.text)
        let ca = try #require(status.field("ca")?.text)
        let realCode = try #require(status.field("code")?.text)
        return ResourceEncoder.yaml(Resource(metadata: ObjectMeta(name: name), spec: .accessToken(AccessTokenSpec(url: url, ca: ca, code: code ?? realCode))))
    }

    @Test func issueOnARedeemOnB() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        try a.write("site.yaml", Self.east)
        try a.write("grant.yaml", Self.grant("g1", allowed: 2))
        try b.write("site.yaml", Self.west)
        let agentA = try Self.issuer(a)
        defer { agentA.stop() }
        let agentB = try AgentProcess(site: b)
        defer { agentB.stop() }
        #expect(a.eventually { a.status(.accessGrant, "g1")?.status.phase == .ready }, "log:\n\(agentA.log)")
        let grant = try #require(a.status(.accessGrant, "g1")?.status)
        #expect(grant.field("code")?.text?.count == 24)
        #expect(grant.field("url")?.text?.hasPrefix("https://127.0.0.1:") == true)
        #expect(grant.field("redemptions") == .int(0))

        try b.write("token.yaml", try Self.token("to-east", from: grant))
        #expect(b.eventually { b.status(.accessToken, "to-east")?.status.field("redeemed") == .bool(true) }, "log:\n\(agentB.log)")
        // B's router config gains the link, with a client certificate that verifies against A's CA.
        #expect(b.eventually { b.routerConfig?.contains("\"name\": \"to-east\"") == true })
        let config = try #require(b.routerConfig)
        #expect(config.contains("\"sslProfile\": \"to-east-profile\""))
        let clientCert = b.layout.certificate("to-east-profile").appendingPathComponent("tls.crt").path
        let verify = try run(["openssl", "verify", "-CAfile", a.layout.issuers.appendingPathComponent("skupper-site-ca/tls.crt").path, clientCert])
        #expect(verify.status == 0, "\(verify.output)")
        // The link points at A's inter-router listener.
        let identityA = try String(contentsOf: a.layout.state.appendingPathComponent("identity.json"), encoding: .utf8)
        let portLine = identityA.split(separator: "\n").first { $0.contains("interRouterPort") } ?? ""
        let port = portLine.filter(\.isNumber)
        #expect(config.contains("\"port\": \"\(port)\""))
        // A counts the redemption.
        #expect(a.eventually { a.status(.accessGrant, "g1")?.status.field("redemptions") == .int(1) })
        #expect(b.status(.link, "to-east")?.status.phase == .ready)
        // Deleting the token deletes the link it made, as `skupper link delete` tells the user.
        let linkDelete = try SkupperCLI.run(["link", "delete", "to-east"], site: b)
        #expect(linkDelete.status != 0 && linkDelete.stderr.contains("delete the token to remove the link"), "\(linkDelete)")
        try b.remove("token.yaml")
        #expect(b.eventually { b.status(.link, "to-east") == nil && b.routerConfig?.contains("\"name\": \"to-east\"") == false }, "log:\n\(agentB.log)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: b.layout.redeemed.path).isEmpty)
    }

    @Test func wrongCodeIsReportedAndNotRetried() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        try a.write("site.yaml", Self.east)
        try a.write("grant.yaml", Self.grant("g1"))
        try b.write("site.yaml", Self.west)
        let agentA = try Self.issuer(a)
        defer { agentA.stop() }
        let agentB = try AgentProcess(site: b)
        defer { agentB.stop() }
        #expect(a.eventually { a.status(.accessGrant, "g1")?.status.phase == .ready }, "log:\n\(agentA.log)")
        let grant = try #require(a.status(.accessGrant, "g1")?.status)
        try b.write("token.yaml", try Self.token("bad", from: grant, code: "not-the-code"))
        #expect(b.eventually { b.status(.accessToken, "bad")?.status.phase == .error }, "log:\n\(agentB.log)")
        let status = try #require(b.status(.accessToken, "bad")?.status)
        // v2's words, then what they mean and what to do.
        #expect(
            status.message.hasPrefix("Received HTTP Response 403: Redemption of access token refused: the token's code is not the grant's"), "\(status.message)"
        )
        #expect(status.message.hasSuffix("ask the granting site for a new token (skupper token issue) and redeem that"), "\(status.message)")
        #expect(status.field("redeemed") == .bool(false))
        sleep(3)
        #expect(agentB.log.components(separatedBy: "redeeming access token").count == 2, "a rejected code was sent again")
        #expect(a.status(.accessGrant, "g1")?.status.field("redemptions") == .int(0))
    }

    @Test func expiredAndExhaustedGrants() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        try a.write("site.yaml", Self.east)
        try a.write("once.yaml", Self.grant("once"))
        try a.write("brief.yaml", Self.grant("brief", window: "1s"))
        try b.write("site.yaml", Self.west)
        let agentA = try Self.issuer(a)
        defer { agentA.stop() }
        #expect(a.eventually { a.status(.accessGrant, "once")?.status.phase == .ready && a.status(.accessGrant, "brief") != nil }, "log:\n\(agentA.log)")
        let once = try #require(a.status(.accessGrant, "once")?.status)
        let brief = try #require(a.status(.accessGrant, "brief")?.status)
        sleep(2)
        #expect(a.eventually { a.status(.accessGrant, "brief")?.status.message.contains("expired") == true })
        let agentB = try AgentProcess(site: b)
        defer { agentB.stop() }
        try b.write("t1.yaml", try Self.token("first", from: once))
        #expect(b.eventually { b.status(.accessToken, "first")?.status.field("redeemed") == .bool(true) }, "log:\n\(agentB.log)")
        try b.write("t2.yaml", try Self.token("second", from: once))
        try b.write("t3.yaml", try Self.token("late", from: brief))
        #expect(b.eventually { b.status(.accessToken, "second")?.status.phase == .error && b.status(.accessToken, "late")?.status.phase == .error })
        #expect(
            b.status(.accessToken, "second")?.status.message.hasPrefix(
                "Received HTTP Response 404: No such access granted: the token was already redeemed as many times as its grant allows: ask the granting site for a new token"
            ) == true)
        #expect(
            b.status(.accessToken, "late")?.status.message.hasPrefix(
                "Received HTTP Response 404: No such claim: the token has expired or its grant was deleted: ask the granting site for a new token") == true)
        #expect(a.eventually { a.status(.accessGrant, "once")?.status.message.contains("redemption") == true })
    }

    @Test func countsCodesAndURLsSurviveARestart() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        try a.write("site.yaml", Self.east)
        try a.write("grant.yaml", Self.grant("g", allowed: 2))
        try b.write("site.yaml", Self.west)
        let port = freePort()
        var agentA = try Self.issuer(a, port: port)
        #expect(a.eventually { a.status(.accessGrant, "g")?.status.phase == .ready }, "log:\n\(agentA.log)")
        let grant = try #require(a.status(.accessGrant, "g")?.status)
        let agentB = try AgentProcess(site: b)
        defer { agentB.stop() }
        try b.write("t1.yaml", try Self.token("one", from: grant))
        #expect(b.eventually { b.status(.accessToken, "one")?.status.field("redeemed") == .bool(true) }, "log:\n\(agentB.log)")
        #expect(a.eventually { a.status(.accessGrant, "g")?.status.field("redemptions") == .int(1) })
        agentA.stop()

        agentA = try Self.issuer(a, port: port)
        defer { agentA.stop() }
        #expect(a.eventually { agentA.log.contains("grant server listening") }, "log:\n\(agentA.log)")
        let after = try #require(a.status(.accessGrant, "g")?.status)
        #expect(after.field("redemptions") == .int(1))
        #expect(after.field("code") == grant.field("code") && after.field("url") == grant.field("url"))
        try b.write("t2.yaml", try Self.token("two", from: grant))
        try b.write("t3.yaml", try Self.token("three", from: grant))
        #expect(
            b.eventually {
                let statuses = ["two", "three"].compactMap { b.status(.accessToken, $0)?.status }
                return statuses.count == 2 && statuses.allSatisfy { $0.phase != .pending }
            }, "log:\n\(agentB.log)")
        let redeemed = ["two", "three"].filter { b.status(.accessToken, $0)?.status.field("redeemed") == .bool(true) }
        #expect(redeemed.count == 1, "the restarted agent allowed more than the grant allows")
        #expect(a.eventually { a.status(.accessGrant, "g")?.status.field("redemptions") == .int(2) })
    }

    @Test func unreachableServiceIsRetriedUntilItAnswers() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        try a.write("site.yaml", Self.east)
        try a.write("grant.yaml", Self.grant("g"))
        try b.write("site.yaml", Self.west)
        let port = freePort()
        // Learn the grant's URL and code, then stop A so B finds nobody at the URL.
        var agentA = try Self.issuer(a, port: port)
        #expect(a.eventually { a.status(.accessGrant, "g")?.status.phase == .ready }, "log:\n\(agentA.log)")
        let grant = try #require(a.status(.accessGrant, "g")?.status)
        agentA.stop()
        let agentB = try AgentProcess(site: b)
        defer { agentB.stop() }
        try b.write("token.yaml", try Self.token("patient", from: grant))
        // A refused connection fails the attempt at the latest at the 10 s request deadline.
        #expect(b.eventually(timeout: 25) { b.status(.accessToken, "patient")?.status.message.contains("retrying in") == true }, "log:\n\(agentB.log)")
        #expect(b.status(.accessToken, "patient")?.status.phase == .pending)
        agentA = try Self.issuer(a, port: port)
        defer { agentA.stop() }
        #expect(b.eventually(timeout: 30) { b.status(.accessToken, "patient")?.status.field("redeemed") == .bool(true) }, "log:\n\(agentB.log)")
    }

    @Test func linkAccessNotEnabled() throws {
        let a = try TemporarySite()
        try a.write("site.yaml", Self.west)
        try a.write("grant.yaml", Self.grant("g"))
        let agent = try Self.issuer(a)
        defer { agent.stop() }
        #expect(a.eventually { a.status(.accessGrant, "g")?.status.phase == .error }, "log:\n\(agent.log)")
        #expect(a.status(.accessGrant, "g")?.status.message.hasPrefix("Link access is not enabled") == true)
        #expect(!agent.log.contains("grant server listening"))
    }

    @Test func tokenRequestLifecycle() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        try a.write("site.yaml", Self.east)
        try a.write(
            "request.yaml",
            """
            apiVersion: applicationconnector.kyma-project.io/v1alpha1
            kind: TokenRequest
            metadata: {name: test-app}
            context: {tenant: test-tenant, group: test-group}
            spec: {expirationWindow: 4s}
            """)
        try b.write("site.yaml", Self.west)
        let agentA = try Self.issuer(a)
        defer { agentA.stop() }
        #expect(a.eventually { a.status(.tokenRequest, "test-app")?.status.field("state")?.text == "OK" }, "log:\n\(agentA.log)")
        let request = try #require(a.status(.tokenRequest, "test-app")?.status)
        #expect(request.field("application")?.text == "test-app")
        #expect(request.field("token")?.text?.count == 24)
        #expect(request.field("expireAfter")?.text.flatMap(StatusDocument.date(from:)) != nil)
        // The token is single-use and redeemable.
        let agentB = try AgentProcess(site: b)
        defer { agentB.stop() }
        let token = ResourceEncoder.yaml(
            Resource(
                metadata: ObjectMeta(name: "from-request"),
                spec: .accessToken(
                    AccessTokenSpec(
                        url: request.field("url")!.text!, ca: request.field("ca")!.text!, code: request.field("token")!.text!))))
        try b.write("token.yaml", token)
        #expect(b.eventually { b.status(.accessToken, "from-request")?.status.field("redeemed") == .bool(true) }, "log:\n\(agentB.log)")
        // After expireAfter the request and its grant are removed.
        #expect(
            a.eventually(timeout: 15) { !FileManager.default.fileExists(atPath: a.layout.inputResources.appendingPathComponent("request.yaml").path) },
            "log:\n\(agentA.log)")
        #expect(a.eventually { a.status(.tokenRequest, "test-app") == nil })
        #expect(a.eventually { !FileManager.default.fileExists(atPath: a.layout.state.appendingPathComponent("grants/tokenrequest-test-app.json").path) })
    }
}
