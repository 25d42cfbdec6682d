import Foundation
import Resources
import RouterEntities
import TestSupport
import Testing

/// A namespace a Skupper v2 site ran (`skupper system setup`) taken over by this agent running the real router: the
/// site keeps its id, router id, ports and certificates, every user file applies, statuses land where v2 keeps them,
/// and a site holding v2's static link into it still links.
@Suite("Taking over a Skupper v2 namespace", .serialized)
struct V2TakeoverTests {
    static func listenerPort(_ config: RouterConfig?, _ name: String) -> Int? {
        config?.entity("listener", named: name)?.text("port").flatMap { Int($0) }
    }

    @Test func theAgentKeepsTheSiteIdPortsAndCertificatesAndAV2LinkIntoItStillVerifies() throws {
        let west = try TemporarySite()
        let fixture = SkupperV2Namespace(
            siteName: "west", localPort: freePort(), interRouterPort: freePort(), edgePort: freePort(),
            listenerPort: freePort())
        try fixture.write(to: west.layout)
        let linkFile = try String(contentsOf: west.layout.links.appendingPathComponent(fixture.linkFileName), encoding: .utf8)
        func pem(_ base: URL, _ name: String) throws -> String {
            try String(contentsOf: base.appendingPathComponent(name).appendingPathComponent("tls.crt"), encoding: .utf8)
        }
        func certificates() throws -> [String: String] {
            var result: [String: String] = [:]
            for name in fixture.authorities { result[name] = try pem(west.layout.issuers, name) }
            for name in fixture.leaves { result[name] = try pem(west.layout.certificates, name) }
            return result
        }
        let before = try certificates()
        // This CLI reads the runtime state v2 left, before any agent ran.
        let v2Status = try west.skupper("site", "status")
        #expect(v2Status.stdout.contains("west") && v2Status.stdout.contains("Ready"), "\(v2Status)")

        let agentWest = try AgentProcess(site: west, arguments: try LiveNetworkTests.arguments())
        defer { agentWest.stop() }
        // Ready by its router's word (the runtime Site v2 left says Ready too, without the network's count).
        #expect(
            west.eventually(timeout: 30) {
                LiveNetworkTests.phase(west, .site, "west") == .ready && LiveNetworkTests.field(west, .site, "west", "sitesInNetwork") == "1"
            },
            "\(String(describing: west.status(.site, "west")))\n\(agentWest.log.suffix(3000))")

        // The same site to the network: site id (router metadata and the runtime Site's uid), router id, ports.
        let config = try #require(west.routerConfig.flatMap(RouterConfig.parse))
        let router = try #require(config.entities(ofType: "router").first)
        #expect(router.text("id") == fixture.routerId)
        #expect(router.text("metadata")?.contains("\"id\":\"\(fixture.siteId)\"") == true, "\(String(describing: router.text("metadata")))")
        #expect(Self.listenerPort(config, "skupper-local-normal") == fixture.localPort)
        #expect(Self.listenerPort(config, "west-inter-router") == fixture.interRouterPort)
        #expect(Self.listenerPort(config, "west-edge") == fixture.edgePort)
        let siteFile = try String(contentsOf: west.layout.statusFile(ResourceID(.site, "west")), encoding: .utf8)
        #expect(siteFile.contains("uid: \(fixture.siteId)") && siteFile.contains("spec:\n  linkAccess: default"), "\(siteFile)")

        // The same certificates, byte for byte: nothing was issued again.
        let after = try certificates()
        let reissued = before.keys.filter { before[$0] != after[$0] }.sorted()
        #expect(reissued.isEmpty, "issued again: \(reissued)")

        // Every user file applies (v2's CLI output with its extra fields included); nothing is reported as rejected.
        #expect(west.eventually(timeout: 10) { west.status(.listener, "backend") != nil })
        #expect(
            !FileManager.default.fileExists(atPath: west.layout.status.appendingPathComponent("input-errors.yaml").path),
            "\((try? String(contentsOf: west.layout.status.appendingPathComponent("input-errors.yaml"), encoding: .utf8)) ?? "")")
        // v2's runtime state is replaced by this agent's: no Secret (keys) and no v2-only generated resources stay there.
        let runtimeFiles = try FileManager.default.contentsOfDirectory(atPath: west.layout.status.path)
        let leftovers = runtimeFiles.filter { $0.hasPrefix("Secret-") || $0.hasPrefix("RouterAccess-skupper-local") }
        #expect(leftovers.isEmpty, "\(runtimeFiles)")

        // A site holding the static link v2 wrote for West links with it: West's router still presents a
        // certificate from the kept CA and accepts the kept client certificate.
        let east = try TemporarySite()
        #expect(try east.skupper("site", "create", "east").status == 0)
        try east.write("link-west.yaml", linkFile)
        let agentEast = try AgentProcess(site: east, arguments: try LiveNetworkTests.arguments())
        defer { agentEast.stop() }
        #expect(
            east.eventually(timeout: 30) { LiveNetworkTests.phase(east, .link, "link-west") == .ready },
            "\(String(describing: east.status(.link, "link-west")))\n\(agentEast.log.suffix(2000))\n\(agentWest.log.suffix(2000))")
        #expect(west.eventually(timeout: 15) { LiveNetworkTests.field(west, .site, "west", "sitesInNetwork") == "2" })
    }

    @Test func aRedemptionV2MadeIsKeptAndTheTokenIsNotSentAgain() throws {
        // West (v2) had redeemed an AccessToken: v2 keeps the token, the Secret and the Link in its runtime state.
        let west = try TemporarySite()
        let fixture = SkupperV2Namespace(
            siteName: "west", localPort: freePort(), interRouterPort: freePort(), edgePort: freePort(),
            listenerPort: freePort())
        try fixture.write(to: west.layout)
        let token = """
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken
            metadata:
              name: to-east
            spec:
              url: https://127.0.0.1:1/deadbeef
              code: the-code
              ca: |
                -----BEGIN CERTIFICATE-----
                MIIB
                -----END CERTIFICATE-----

            """
        try west.write("AccessToken-to-east.yaml", token)
        let clientSecret = try Data(contentsOf: west.layout.certificates.appendingPathComponent("client-west/tls.crt")).base64EncodedString()
        let key = try Data(contentsOf: west.layout.certificates.appendingPathComponent("client-west/tls.key")).base64EncodedString()
        try (token + "status:\n  message: OK\n  status: Ready\n").write(
            to: west.layout.status.appendingPathComponent("AccessToken-to-east.yaml"),
            atomically: false, encoding: .utf8)
        try """
        apiVersion: v1
        kind: Secret
        metadata:
          name: to-east
        type: kubernetes.io/tls
        data:
          tls.crt: \(clientSecret)
          tls.key: \(key)
          ca.crt: \(clientSecret)

        """.write(to: west.layout.status.appendingPathComponent("Secret-to-east.yaml"), atomically: false, encoding: .utf8)
        try """
        apiVersion: skupper.io/v2alpha1
        kind: Link
        metadata:
          name: to-east
        spec:
          cost: 1
          endpoints:
          - host: 127.0.0.1
            name: inter-router
            port: "1"
          tlsCredentials: to-east

        """.write(to: west.layout.status.appendingPathComponent("Link-to-east.yaml"), atomically: false, encoding: .utf8)

        let agent = try AgentProcess(site: west, arguments: ["--platform", "render"])
        defer { agent.stop() }
        #expect(west.eventually(timeout: 20) { FileManager.default.fileExists(atPath: west.layout.state.appendingPathComponent("identity.json").path) })
        // The token is redeemed already (its url would refuse any connection), and its Link stands.
        #expect(
            west.eventually(timeout: 20) { west.status(.accessToken, "to-east")?.status.phase == .ready },
            "\(String(describing: west.status(.accessToken, "to-east")))\n\(agent.log.suffix(2000))")
        #expect(west.eventually(timeout: 10) { west.status(.link, "to-east") != nil })
        #expect(
            west.eventually(timeout: 10) { west.routerConfig?.contains("to-east") == true },
            "\(String(describing: west.status(.link, "to-east")))\n\(west.routerConfig ?? "")")
        #expect(!agent.log.contains("redeeming access token"), "\(agent.log)")
    }
}

/// Certificates the user provides as files, as Skupper v2 reads them, and namespaces an earlier version of this agent
/// laid out.
@Suite("User certificates and earlier layouts")
struct UserCertificateFileTests {
    @Test func aCAInInputIssuersSignsTheSiteAndAnIncompleteCertificateDirectoryIsALocatedError() throws {
        let site = try TemporarySite()
        let ca = site.layout.inputIssuers.appendingPathComponent("skupper-site-ca")
        try FileManager.default.createDirectory(at: ca, withIntermediateDirectories: true)
        let result = try run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=my-ca",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", ca.appendingPathComponent("tls.key").path, "-out", ca.appendingPathComponent("tls.crt").path,
        ])
        #expect(result.status == 0, "\(result.output)")
        try FileManager.default.copyItem(at: ca.appendingPathComponent("tls.crt"), to: ca.appendingPathComponent("ca.crt"))
        let broken = site.layout.inputCertificates.appendingPathComponent("client-east")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "not a certificate".write(to: broken.appendingPathComponent("tls.crt"), atomically: false, encoding: .utf8)
        #expect(try site.skupper("site", "create", "east", "--enable-link-access").status == 0)

        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        let server = site.layout.certificate("east").appendingPathComponent("tls.crt")
        #expect(site.eventually(timeout: 15) { FileManager.default.fileExists(atPath: server.path) }, "\(agent.log)")
        let verify = try run(["openssl", "verify", "-CAfile", ca.appendingPathComponent("tls.crt").path, server.path])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(
            try String(contentsOf: site.layout.issuers.appendingPathComponent("skupper-site-ca/tls.crt"), encoding: .utf8)
                == String(contentsOf: ca.appendingPathComponent("tls.crt"), encoding: .utf8))
        let errors = site.layout.status.appendingPathComponent("input-errors.yaml")
        #expect(
            site.eventually(timeout: 10) {
                ((try? String(contentsOf: errors, encoding: .utf8)) ?? "").contains("input/certs/client-east lacks tls.key, ca.crt")
            }, "\((try? String(contentsOf: errors, encoding: .utf8)) ?? "(none)")")
    }

    @Test func statusesAndRedemptionsOfAnEarlierVersionMoveToTheirPlaces() throws {
        let site = try TemporarySite()
        #expect(try site.skupper("site", "create", "east").status == 0)
        let former = site.layout.runtime.appendingPathComponent("status"), resources = site.layout.status
        try FileManager.default.createDirectory(at: former, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: resources, withIntermediateDirectories: true)
        try "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: east}\nstatus: {status: Pending, message: old}\n"
            .write(to: former.appendingPathComponent("Site-east.yaml"), atomically: false, encoding: .utf8)
        try "---\napiVersion: v1\nkind: Secret\nmetadata: {name: t}\nstringData: {ca.crt: x}\n"
            .write(to: resources.appendingPathComponent("AccessToken-t.yaml"), atomically: false, encoding: .utf8)
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(site.eventually(timeout: 15) { site.status(.site, "east")?.status.phase == .ready }, "\(agent.log)")
        #expect(!FileManager.default.fileExists(atPath: former.path))
        #expect(FileManager.default.fileExists(atPath: site.layout.redeemed.appendingPathComponent("AccessToken-t.yaml").path))
        #expect(!FileManager.default.fileExists(atPath: resources.appendingPathComponent("AccessToken-t.yaml").path))
    }
}
