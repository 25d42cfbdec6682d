import Foundation
import Resources
import TestSupport
import Testing

/// Certificates and router logging change while two real routers carry a TCP stream: the agent renews its own
/// certificate, the user replaces one in `input/certs/`, the logging changes; no router restarts, the stream goes on,
/// the inter-router port serves the new certificate, and an old connection is retired once its revision is no
/// longer among the valid ones.
@Suite("Certificates and settings change live (real routers)", .serialized)
struct LiveRotationTests {
    typealias Live = LiveNetworkTests

    static func issue(into directory: URL, authority: URL, like: URL, days: Int) throws -> String {
        try OpenSSLCertificates.issue(into: directory, authority: authority, like: like, commonName: "east", days: days)
    }

    static func ordinal(_ site: TemporarySite, _ profile: String) -> Int? {
        guard let data = try? Data(contentsOf: site.layout.state.appendingPathComponent("tls-ordinals.json")),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Int]]
        else { return nil }
        return object[profile]?["ordinal"]
    }

    @Test func renewedAndReplacedCertificatesAndLoggingChangeWithoutARestart() throws {
        let network = try Live.Network(eastArguments: ["--certificate-check-interval", "1"])
        defer { network.stop() }
        let (east, west) = (network.east, network.west)
        #expect(west.eventually(timeout: 30) { network.linkName.map { Live.phase(west, .link, $0) == .ready } == true })
        let link = try #require(network.linkName)
        // The revision of its credentials the link's connection uses, from its LINK record.
        #expect(
            west.eventually(timeout: 10) { Live.field(west, .link, link, "activeTlsOrdinal") == "0" }, "\(String(describing: west.status(.link, link)))")
        let stream = try #require(west.eventually(timeout: 20) { TCPStream(port: network.listenerPort) != nil } ? TCPStream(port: network.listenerPort) : nil)
        #expect(stream.echo(Array("before".utf8)) == Array("before".utf8))
        let pids = (Live.routerPid(east), Live.routerPid(west))
        let port = try east.identityPorts().interRouter
        let profile = try #require(
            try FileManager.default.contentsOfDirectory(atPath: west.layout.certificates.path).first { $0.hasSuffix("-profile") })
        let client = west.layout.certificates.appendingPathComponent(profile)
        let serve = {
            OpenSSLCertificates.servedSerial(port: port, certificate: client.appendingPathComponent("tls.crt"), key: client.appendingPathComponent("tls.key"))
        }
        let first = try #require(serve())
        let server = east.layout.certificates.appendingPathComponent("east")
        let authority = east.layout.issuers.appendingPathComponent("skupper-site-ca")

        // Logging: the router's SERVER module at debug, changed through management (it tells of retired connections).
        let siteFile = try #require(
            try FileManager.default.contentsOfDirectory(atPath: east.layout.inputResources.path).first {
                (try? String(contentsOf: east.layout.inputResources.appendingPathComponent($0), encoding: .utf8))?.contains("kind: Site") == true
            })
        try east.write(
            siteFile,
            """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata:
              name: east
            spec:
              linkAccess: default
              settings:
                router-logging: SERVER:debug
            """)

        // 1. The agent renews its own server certificate once it comes within 30 days of its end.
        let staged = try ScratchDirectory()
        let nearEnd = try Self.issue(
            into: URL(fileURLWithPath: staged.path("near")), authority: authority, like: server.appendingPathComponent("tls.crt"), days: 5)
        #expect(try run(["cp", staged.path("near") + "/tls.key", staged.path("near") + "/tls.crt", server.path]).status == 0)
        var renewed: String?
        #expect(
            east.eventually(timeout: 15) {
                renewed = serve()
                return renewed != nil && renewed != first && renewed != nearEnd
            },
            "served \(String(describing: renewed)) (first \(first), near its end \(nearEnd)), on disk \(String(describing: try? OpenSSLCertificates.serial(of: server.appendingPathComponent("tls.crt"))))\n\(network.agentEast.log.suffix(3000))\nrouter: \(((try? String(contentsOf: east.layout.routerDirectory.appendingPathComponent("skrouterd.log"), encoding: .utf8)) ?? "").suffix(3000))"
        )
        #expect(Self.ordinal(east, "east") == 1)
        #expect(stream.echo(Array("after renewal".utf8)) == Array("after renewal".utf8))

        // 2. A certificate of the user's in input/certs takes its place, picked up by the watch.
        let userSerial = try Self.issue(
            into: URL(fileURLWithPath: staged.path("user")), authority: authority, like: server.appendingPathComponent("tls.crt"), days: 365)
        #expect(try run(["cp", "-r", staged.path("user"), east.layout.inputCertificates.appendingPathComponent("east").path]).status == 0)
        #expect(east.eventually(timeout: 15) { serve() == userSerial }, "\(network.agentEast.log.suffix(3000))")
        #expect(Self.ordinal(east, "east") == 2)
        #expect(stream.echo(Array("after the user's".utf8)) == Array("after the user's".utf8))

        // 3. Bad input: a certificate that does not match its key is refused before the router sees it, the last
        //    good one stays.
        let user = east.layout.inputCertificates.appendingPathComponent("east")
        _ = try Self.issue(into: URL(fileURLWithPath: staged.path("mismatch")), authority: authority, like: server.appendingPathComponent("tls.crt"), days: 30)
        #expect(try run(["cp", staged.path("mismatch") + "/tls.crt", user.path]).status == 0)
        let errors = east.layout.status.appendingPathComponent("input-errors.yaml")
        #expect(
            east.eventually(timeout: 10) { ((try? String(contentsOf: errors, encoding: .utf8)) ?? "").contains("does not match") },
            "\((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        #expect(serve() == userSerial && Self.ordinal(east, "east") == 2)

        // Nothing restarted: the routers are the same processes, the stream still flows.
        #expect(Live.routerPid(east) == pids.0 && Live.routerPid(west) == pids.1, "a router was restarted")
        #expect(stream.echo(Array("still".utf8)) == Array("still".utf8))
        #expect(Live.phase(west, .link, link) == .ready)

        // 4. A third revision: the link's connection (made at revision 0) is no longer among the two prior valid
        //    ones, so East's router closes it; West connects again with the newest credentials.
        let third = try Self.issue(
            into: URL(fileURLWithPath: staged.path("third")), authority: authority, like: server.appendingPathComponent("tls.crt"), days: 365)
        #expect(try run(["cp", staged.path("third") + "/tls.crt", staged.path("third") + "/tls.key", user.path]).status == 0)
        #expect(east.eventually(timeout: 15) { serve() == third })
        #expect(Self.ordinal(east, "east") == 3)
        let routerLog = east.layout.routerDirectory.appendingPathComponent("skrouterd.log")
        #expect(
            east.eventually(timeout: 10) { ((try? String(contentsOf: routerLog, encoding: .utf8)) ?? "").contains("Closing due to expired TLS ordinal") },
            "East's router did not retire the old connection (or did not log it at SERVER debug)")
        #expect(
            west.eventually(timeout: 20) {
                Live.phase(west, .link, link) == .ready && echoRoundTrip(port: network.listenerPort, payload: [7], timeout: 1) == [7]
            })
        #expect(Live.routerPid(east) == pids.0 && Live.routerPid(west) == pids.1, "a router was restarted")
        let config = east.routerConfig ?? ""
        #expect(config.contains("\"ordinal\": 3") || config.contains("\"ordinal\":3"), "the revision is in skrouterd.json for a restarted router")
    }

    /// A Link's client certificate replaced in its Secret (a file from `skupper link generate`, its credentials
    /// renewed): West's link profile goes to its next revision, its router opens a new connection with it beside the
    /// old one, the Link says which revision it uses, and the stream on the old connection carries on.
    @Test func aLinksNewClientCertificateIsRotatedIn() throws {
        let east = try TemporarySite(), west = try TemporarySite()
        let echo = try EchoServer()
        #expect(try east.skupper("site", "create", "east", "--enable-link-access").status == 0)
        try east.write("backend.yaml", ResourceYAML.connector("backend", port: echo.port, host: "127.0.0.1"))
        let agentEast = try AgentProcess(site: east, arguments: try Live.arguments())
        defer { agentEast.stop() }
        #expect(east.eventually(timeout: 30) { Live.phase(east, .site, "east") == .ready })
        let generated = try east.skupper("link", "generate")
        #expect(generated.status == 0, "\(generated)")
        let linkDocument = try #require(generated.stdout.components(separatedBy: "---\n").first { $0.contains("kind: Link") })

        #expect(try west.skupper("site", "create", "west").status == 0)
        let port = freePort()
        try west.write("backend.yaml", ResourceYAML.listener("backend", port: port, host: "127.0.0.1"))
        try west.write("link.yaml", generated.stdout)
        let agentWest = try AgentProcess(site: west, arguments: try Live.arguments())
        defer { agentWest.stop() }
        #expect(west.eventually(timeout: 30) { Live.phase(west, .link, "link-east") == .ready }, "\(agentWest.log.suffix(2000))")
        let stream = try #require(west.eventually(timeout: 20) { TCPStream(port: port) != nil } ? TCPStream(port: port) : nil)
        #expect(stream.echo(Array("before".utf8)) == Array("before".utf8))
        #expect(west.eventually(timeout: 10) { Live.field(west, .link, "link-east", "activeTlsOrdinal") == "0" })
        let pids = (Live.routerPid(east), Live.routerPid(west))

        // East's CA signs a new client certificate; the Secret in West's file is rewritten with it.
        let staged = try ScratchDirectory()
        let renewed = URL(fileURLWithPath: staged.path("client"))
        _ = try OpenSSLCertificates.issue(
            into: renewed, authority: east.layout.issuers.appendingPathComponent("skupper-site-ca"),
            like: east.layout.certificate("client-east").appendingPathComponent("tls.crt"), commonName: "client-east", days: 365)
        func base64(_ file: String) throws -> String { try Data(contentsOf: renewed.appendingPathComponent(file)).base64EncodedString() }
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: link-east
            type: kubernetes.io/tls
            data:
              ca.crt: \(try base64("ca.crt"))
              tls.crt: \(try base64("tls.crt"))
              tls.key: \(try base64("tls.key"))

            """
        try west.saveAtomically("link.yaml", secret + "---\n" + linkDocument)

        #expect(
            west.eventually(timeout: 20) { Live.field(west, .link, "link-east", "activeTlsOrdinal") == "1" },
            "\(String(describing: west.status(.link, "link-east")))\n\(agentWest.log.suffix(2000))")
        #expect(Self.ordinal(west, "link-east-profile") == 1)
        #expect(stream.echo(Array("after".utf8)) == Array("after".utf8))
        #expect(Live.phase(west, .link, "link-east") == .ready)
        #expect(Live.routerPid(east) == pids.0 && Live.routerPid(west) == pids.1, "a router was restarted")

        // What the router cannot change while it runs (its mode) restarts it, and the Site says why.
        let siteFile = try #require(
            try FileManager.default.contentsOfDirectory(atPath: west.layout.inputResources.path).first {
                (try? String(contentsOf: west.layout.inputResources.appendingPathComponent($0), encoding: .utf8))?.contains("kind: Site") == true
            })
        try west.write(siteFile, "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\nspec:\n  edge: true\n")
        #expect(
            west.eventually(timeout: 20) {
                west.status(.site, "west")?.status.field("lastRouterRestart")?["reason"]?.text == "the router's mode changed"
            }, "\(String(describing: west.status(.site, "west")))")
        #expect(agentWest.log.contains("the router restarts: what changed cannot change while it runs"))
        #expect(west.eventually(timeout: 30) { Live.phase(west, .link, "link-east") == .ready })
    }
}
