import CLI
import Foundation
import Resources
import TestSupport
import Testing

/// A grant server under an attacker's control (whoever issues a token controls the server it names), played by a
/// small Python HTTPS server that answers a redemption with whatever the test tells it to: first the error answers
/// of `failFirst`, one per request, then `answer`. Each request is counted (`requests`).
final class HostileGrantServer: @unchecked Sendable {
    let directory: URL
    let process = Process()
    let port: Int
    /// The token file's CA: the server's self-signed certificate.
    let caPEM: String
    /// An attacker's CA (certificate and key) to slip into answers.
    let attackerCertificate: String
    let attackerKey: String

    static let script = #"""
        import http.server, ssl, sys, os
        answer_file, cert, key, port, failures_file, requests_file = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
        retry_after = sys.argv[7] if len(sys.argv) > 7 else ''

        failures = [line.split(' ', 1) for line in open(failures_file).read().splitlines() if line]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length', '0')))
                with open(requests_file, 'a') as log:
                    log.write('request\n')
                status = 200
                if failures:
                    status, text = failures.pop(0)
                    status, body = int(status), text.encode()
                else:
                    body = open(answer_file).read().replace('@NAME@', self.headers.get('name', '')).encode()
                self.send_response(status)
                if status != 200 and retry_after:
                    self.send_header('Retry-After', retry_after)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = http.server.HTTPServer(('127.0.0.1', port), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print('ready', flush=True)
        server.serve_forever()
        """#

    /// - Parameter failFirst: error answers (status, body) given to the first requests, in order, each with
    ///   `Retry-After: retryAfter` when given.
    init(answer: String, failFirst: [(status: Int, body: String)] = [], retryAfter: String? = nil) throws {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("hostile-\(UUID().uuidString.prefix(8))")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        for (name, extra) in [
            ("server", ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-subj", "/CN=127.0.0.1"]),
            ("attacker", ["-addext", "basicConstraints=critical,CA:TRUE", "-subj", "/CN=skupper-site-ca"]),
        ] {
            let result = try run(
                [
                    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                    "-keyout", path("\(name).key"), "-out", path("\(name).crt"),
                ] + extra)
            guard result.status == 0 else { throw TestFailure("openssl: \(result.output)") }
        }
        caPEM = try String(contentsOfFile: path("server.crt"), encoding: .utf8)
        attackerCertificate = try String(contentsOfFile: path("attacker.crt"), encoding: .utf8)
        attackerKey = try String(contentsOfFile: path("attacker.key"), encoding: .utf8)
        let answerText = answer.replacingOccurrences(of: "@CA_CRT@", with: Data(attackerCertificate.utf8).base64EncodedString())
            .replacingOccurrences(of: "@CA_KEY@", with: Data(attackerKey.utf8).base64EncodedString())
        try answerText.write(toFile: path("answer.yaml"), atomically: false, encoding: .utf8)
        try Self.script.write(toFile: path("server.py"), atomically: false, encoding: .utf8)
        try failFirst.map { "\($0.status) \($0.body)\n" }.joined().write(toFile: path("failures"), atomically: false, encoding: .utf8)
        port = freePort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments =
            [
                path("server.py"), path("answer.yaml"), path("server.crt"), path("server.key"), String(port),
                path("failures"), path("requests"),
            ] + (retryAfter.map { [$0] } ?? [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        _ = output.fileHandleForReading.availableData
    }

    deinit {
        // SIGKILL: the test process's blocked signals are inherited, SIGTERM may never arrive.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// How many redemption requests the server received.
    var requests: Int {
        ((try? String(contentsOfFile: directory.appendingPathComponent("requests").path, encoding: .utf8)) ?? "")
            .split(separator: "\n").count
    }

    /// A token for this server.
    func token(_ name: String) -> String {
        ResourceEncoder.yaml(
            Resource(
                metadata: ObjectMeta(name: name),
                spec: .accessToken(
                    AccessTokenSpec(url: "https://127.0.0.1:\(port)/uid", ca: caPEM, code: "0123456789abcdefghijklmn"))))
    }

    static let secret = """
        apiVersion: v1
        kind: Secret
        metadata: {name: NAME}
        type: kubernetes.io/tls
        data: {tls.crt: @CA_CRT@, tls.key: @CA_KEY@, ca.crt: @CA_CRT@}
        """

    static let link = """
        apiVersion: skupper.io/v2alpha1
        kind: Link
        metadata: {name: @NAME@}
        spec:
          endpoints: [{name: inter-router, host: 127.0.0.1, port: "55671"}]
          tlsCredentials: CREDENTIALS
        """
}

@Suite("Hostile peers")
struct HostilePeerTests {
    /// Answers that try to create more than redeeming asked for, each with what the token's status must say.
    static let answers: [(String, String)] = [
        // The site's CA replaced by the attacker's.
        (
            HostileGrantServer.secret.replacingOccurrences(of: "NAME", with: "skupper-site-ca") + "\n---\n"
                + HostileGrantServer.link.replacingOccurrences(of: "CREDENTIALS", with: "skupper-site-ca"), "Secret \"skupper-site-ca\""
        ),
        // The Secret asked for, plus another one for the link-access server certificate.
        (
            HostileGrantServer.secret.replacingOccurrences(of: "NAME", with: "@NAME@") + "\n---\n"
                + HostileGrantServer.secret.replacingOccurrences(of: "NAME", with: "skupper-site-server") + "\n---\n"
                + HostileGrantServer.link.replacingOccurrences(of: "CREDENTIALS", with: "@NAME@"), "Secret \"skupper-site-server\""
        ),
        // A Link that uses the site's own credentials.
        (
            HostileGrantServer.secret.replacingOccurrences(of: "NAME", with: "@NAME@") + "\n---\n"
                + HostileGrantServer.link.replacingOccurrences(of: "CREDENTIALS", with: "skupper-local-client"), "using Secret \"skupper-local-client\""
        ),
        // Another kind altogether.
        (
            HostileGrantServer.secret.replacingOccurrences(of: "NAME", with: "@NAME@") + "\n---\n"
                + HostileGrantServer.link.replacingOccurrences(of: "CREDENTIALS", with: "@NAME@") + "\n---\n"
                + ResourceYAML.listener("planted", port: 18999), "Listener \"planted\""
        ),
    ]

    @Test(arguments: 0..<answers.count)
    func aRedemptionAnswerCreatesOnlyWhatWasAskedFor(_ index: Int) throws {
        let (answer, expected) = Self.answers[index]
        let server = try HostileGrantServer(answer: answer)
        let site = try TemporarySite()
        try site.write("site.yaml", GrantFlowTests.east)
        let agent = try AgentProcess(site: site)
        let caDirectory = site.layout.issuers.appendingPathComponent("skupper-site-ca")
        #expect(site.eventually { site.status(.site, "east")?.status.phase == .ready }, "log:\n\(agent.log)")
        let before = try FileManager.default.contentsOfDirectory(atPath: caDirectory.path).sorted().map {
            try Data(contentsOf: caDirectory.appendingPathComponent($0))
        }
        try site.write("token.yaml", server.token("to-evil"))
        #expect(site.eventually { site.status(.accessToken, "to-evil")?.status.phase == .error }, "log:\n\(agent.log)")
        let message = site.status(.accessToken, "to-evil")?.status.message ?? ""
        #expect(message.contains(expected) && message.contains("refused"), "\(message)")
        // Nothing of the site changed: same CA files, no stored answer, no link, no planted listener.
        let after = try FileManager.default.contentsOfDirectory(atPath: caDirectory.path).sorted().map {
            try Data(contentsOf: caDirectory.appendingPathComponent($0))
        }
        #expect(before == after)
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.layout.redeemed.path).isEmpty)
        #expect(site.status(.link, "to-evil") == nil)
        #expect(site.status(.listener, "planted") == nil)
        #expect(site.routerConfig?.contains(server.attackerCertificate) != true)
        #expect(site.status(.site, "east")?.status.phase == .ready)
        agent.stop()
    }

    @Test func aTokenNamedLikeTheSiteCAIsNotSentAtAll() throws {
        // Even an honest-looking answer could not be stored under this name: it would stand in for the site's CA.
        let server = try HostileGrantServer(
            answer: HostileGrantServer.secret.replacingOccurrences(of: "NAME", with: "@NAME@") + "\n---\n"
                + HostileGrantServer.link.replacingOccurrences(of: "CREDENTIALS", with: "@NAME@"))
        let site = try TemporarySite()
        try site.write("site.yaml", GrantFlowTests.east)
        try site.write("token.yaml", server.token("skupper-site-ca"))
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.accessToken, "skupper-site-ca")?.status.phase == .error }, "log:\n\(agent.log)")
        let message = site.status(.accessToken, "skupper-site-ca")?.status.message ?? ""
        #expect(message.contains("is taken by this site's own credentials"), "\(message)")
        #expect(!agent.log.contains("redeeming access token"))
        agent.stop()
    }
}
