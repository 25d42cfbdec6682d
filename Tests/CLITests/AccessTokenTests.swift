import Foundation
import Resources
import TestSupport
import Testing

/// `skupper token issue` at one agent's site and `redeem` at another's, over loopback.
@Suite("skupper: access tokens and links between two agents")
struct AccessTokenTests {
    /// The exact text the reference page shows after the first line.
    static func issueOutput(grant: String, file: String, uses: String, period: String) -> String {
        """
        Waiting for status...
        Grant "\(grant)" is ready.
        Token file \(file) created.

        Transfer this file to a remote site. At the remote site,
        create a link to this site using the 'skupper token redeem'
        command:

           $ skupper token redeem \(file)

        The token expires after \(uses) or after \(period).

        """
    }

    /// The grant name in an issue's output.
    static func grantName(_ output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("Grant \"") }.map { String($0.dropFirst(7).prefix { $0 != "\"" }) }
    }

    @Test func issueOnARedeemOnB() throws {
        let a = try TemporarySite(), b = try TemporarySite(), scratch = try ScratchDirectory()
        #expect(try a.skupper("site", "create", "east", "--enable-link-access").status == 0)
        #expect(try b.skupper("site", "create", "west").status == 0)
        let agentA = try AgentProcess(site: a)
        defer { agentA.stop() }
        let agentB = try AgentProcess(site: b)
        defer { agentB.stop() }

        let file = scratch.path("token.yaml")
        let issued = try a.skupper("token", "issue", file)
        #expect(issued.status == 0, "\(issued)\nlog A:\n\(agentA.log)")
        let grant = try #require(Self.grantName(issued.stdout), "\(issued)")
        #expect(grant.hasPrefix("east-") && grant.count == "east-".count + 8, "\(grant)")
        #expect(issued.stdout == Self.issueOutput(grant: grant, file: file, uses: "1 use", period: "15 minutes"), "\(issued)")
        #expect(issued.stderr.isEmpty)
        // The grant stays in A's input; the token file is an AccessToken named after it, as Skupper v2 writes it.
        #expect(a.inputFiles.contains("AccessGrant-\(grant).yaml"))
        #expect(try a.inputResources("AccessGrant-\(grant).yaml").first?.accessGrant == AccessGrantSpec())
        let tokenText = try String(contentsOfFile: file, encoding: .utf8)
        #expect(tokenText.hasPrefix("apiVersion: skupper.io/v2alpha1\nkind: AccessToken\nmetadata:\n  name: \(grant)\nspec:\n"), "\(tokenText)")
        let token = try #require(try ResourceLoader.parse(tokenText, file: "token").resources.first?.accessToken)
        let grantStatus = try #require(a.status(.accessGrant, grant)?.status)
        #expect(token.url == grantStatus.field("url")?.text && token.code == grantStatus.field("code")?.text && token.ca == grantStatus.field("ca")?.text)
        #expect(token.linkCost == 1)

        let redeemed = try b.skupper("token", "redeem", file)
        #expect(redeemed.status == 0, "\(redeemed)\nlog B:\n\(agentB.log)")
        #expect(redeemed.stdout == "Waiting for status...\nToken \"\(grant)\" has been redeemed.\n", "\(redeemed)")
        #expect(b.inputFiles.contains("AccessToken-\(grant).yaml"))
        // B gains the link, and A counts the redemption.
        #expect(b.eventually { b.status(.link, grant)?.status.phase == .ready }, "log B:\n\(agentB.log)")
        let links = try b.skupper("link", "status")
        let row = links.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        #expect(row == [grant, "Ready", "1", "OK"], "\(links)")
        #expect(a.eventually { a.status(.accessGrant, grant)?.status.field("redemptions") == .int(1) })
        // A second redemption of a one-use token is refused with the agent's message.
        let c = try TemporarySite()
        #expect(try c.skupper("site", "create", "north").status == 0)
        let agentC = try AgentProcess(site: c)
        defer { agentC.stop() }
        let refused = try c.skupper("token", "redeem", file)
        #expect(refused.status != 0)
        #expect(
            refused.stderr
                == "Error: Received HTTP Response 404: No such access granted: the token was already redeemed as many times as its grant allows: ask the granting site for a new token (skupper token issue) and redeem that\n",
            "\(refused)\nlog C:\n\(agentC.log)")
        #expect(!c.inputFiles.contains("AccessToken-\(grant).yaml"))
    }

    @Test func nonDefaultLimitsAndName() throws {
        let a = try TemporarySite(), scratch = try ScratchDirectory()
        #expect(try a.skupper("site", "create", "east", "--enable-link-access").status == 0)
        let agent = try AgentProcess(site: a)
        defer { agent.stop() }
        let issued = try SkupperCLI.run(
            ["token", "issue", "token.yaml", "--expiration-period", "24h", "--redemptions-allowed", "3", "--name", "for-west"],
            site: a, currentDirectory: scratch.url)
        #expect(issued.status == 0, "\(issued)\nlog:\n\(agent.log)")
        #expect(issued.stdout == Self.issueOutput(grant: "for-west", file: "token.yaml", uses: "3 uses", period: "24 hours"), "\(issued)")
        #expect(
            try a.inputResources("AccessGrant-for-west.yaml").first?.accessGrant
                == AccessGrantSpec(redemptionsAllowed: 3, expirationWindow: GoDuration(seconds: 86400)))
        #expect(FileManager.default.fileExists(atPath: scratch.path("token.yaml")))
        let again = try a.skupper("token", "issue", scratch.path("other.yaml"), "--name", "for-west")
        #expect(again.status != 0 && again.stderr.contains("There is already a token for-west"), "\(again)")
    }

    @Test func linkAccessNotEnabled() throws {
        let a = try TemporarySite(), scratch = try ScratchDirectory()
        #expect(try a.skupper("site", "create", "west").status == 0)
        let agent = try AgentProcess(site: a)
        defer { agent.stop() }
        let file = scratch.path("token.yaml")
        let result = try a.skupper("token", "issue", file)
        #expect(result.status != 0)
        #expect(result.stdout == "Waiting for status...\n", "\(result)")
        #expect(
            result.stderr == "Error: Link access is not enabled\nYou can use \"skupper site update --enable-link-access\" to enable it.\n",
            "\(result)\nlog:\n\(agent.log)")
        #expect(a.inputFiles == ["Site-west.yaml"], "the grant was left behind")
        #expect(!FileManager.default.fileExists(atPath: file))
        // Enabling link access as the hint says makes the same command work.
        #expect(try a.skupper("site", "update", "--enable-link-access").status == 0)
        let retried = try a.skupper("token", "issue", file)
        #expect(retried.status == 0, "\(retried)\nlog:\n\(agent.log)")
    }

    /// With no agent to issue the grant's code, the command fails at once (not after its timeout), says what to run,
    /// and writes nothing.
    @Test func withoutAnAgentIssueFailsAtOnce() throws {
        let a = try TemporarySite(), scratch = try ScratchDirectory()
        #expect(try a.skupper("site", "create", "east", "--enable-link-access").status == 0)
        let started = Date()
        let result = try a.skupper("token", "issue", scratch.path("t.yaml"))
        #expect(Date().timeIntervalSince(started) < 2, "waited \(Date().timeIntervalSince(started)) s for nobody")
        #expect(result.status != 0)
        #expect(
            result.stderr.hasPrefix(
                "Error: the agent is not running for namespace \"default\" (\(a.layout.root.path)): nothing would issue the grant's code\nStart it: skupperd --config-dir \(a.layout.root.path)\n"
            ), "\(result)")
        #expect(a.inputFiles == ["Site-east.yaml"])
        #expect(!FileManager.default.fileExists(atPath: scratch.path("t.yaml")))
    }

    @Test func badTokenFilesNameFileAndField() throws {
        let b = try TemporarySite(), scratch = try ScratchDirectory()
        #expect(try b.skupper("site", "create", "west").status == 0)
        let noCode = scratch.path("no-code.yaml")
        try """
        apiVersion: skupper.io/v2alpha1
        kind: AccessToken
        metadata:
          name: broken
        spec:
          url: https://127.0.0.1:9090/abc
          ca: |
            -----BEGIN CERTIFICATE-----
            MIIB
            -----END CERTIFICATE-----
        """.write(toFile: noCode, atomically: true, encoding: .utf8)
        var result = try b.skupper("token", "redeem", noCode)
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: invalid token file \(noCode): document 1"), "\(result)")
        #expect(result.stderr.contains("spec.code"), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")

        let badURL = scratch.path("http.yaml")
        try (try String(contentsOfFile: noCode, encoding: .utf8)).replacingOccurrences(of: "https://", with: "http://")
            .appending("\n  code: abc\n").write(toFile: badURL, atomically: true, encoding: .utf8)
        result = try b.skupper("token", "redeem", badURL)
        #expect(result.status != 0 && result.stderr.contains(badURL) && result.stderr.contains("spec.url"), "\(result)")

        let wrongKind = scratch.path("site.yaml")
        try "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: x}\n".write(toFile: wrongKind, atomically: true, encoding: .utf8)
        result = try b.skupper("token", "redeem", wrongKind)
        #expect(result.status != 0 && result.stderr.contains(wrongKind) && result.stderr.contains("AccessToken"), "\(result)")

        result = try b.skupper("token", "redeem", scratch.path("missing.yaml"))
        #expect(result.stderr == "Error: token file does not exist: \(scratch.path("missing.yaml"))\n", "\(result)")
        #expect(b.inputFiles == ["Site-west.yaml"])
    }

    @Test func linkGenerateLinksBToA() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        #expect(try a.skupper("site", "create", "east", "--enable-link-access").status == 0)
        #expect(try b.skupper("site", "create", "west").status == 0)
        let agentA = try AgentProcess(site: a)
        defer { agentA.stop() }
        #expect(a.eventually { a.status(.site, "east")?.status.phase == .ready }, "log:\n\(agentA.log)")
        let result = try a.skupper("link", "generate")
        #expect(result.status == 0, "\(result)")
        let resources = try ResourceLoader.parse(result.stdout, file: "stdout").resources
        #expect(resources.map(\.id) == [ResourceID(.secret, "link-east"), ResourceID(.link, "link-east")])
        let link = try #require(resources.last?.link)
        #expect(link.tlsCredentials == "link-east")
        let status = try #require(a.status(.site, "east")?.status)
        guard case .list(let endpoints)? = status.field("endpoints") else {
            Issue.record("no endpoints")
            return
        }
        let interRouter = endpoints.first { $0["name"]?.text == "inter-router" }?["port"]?.text
        #expect(link.endpoint(role: "inter-router")?.port == interRouter)
        #expect(resources.first?.secret?.data["tls.key"] != nil)

        // Applied at B, the link is accepted.
        try b.write("link.yaml", result.stdout)
        let agentB = try AgentProcess(site: b)
        defer { agentB.stop() }
        #expect(b.eventually { b.status(.link, "link-east")?.status.phase == .ready }, "log:\n\(agentB.log)")
        #expect(b.routerConfig?.contains("link-east-profile") == true)
        let deleted = try b.skupper("link", "delete", "link-east")
        #expect(deleted.status != 0, "a link in a shared file is not deleted: \(deleted)")
    }
}
