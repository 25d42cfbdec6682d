import Foundation
import Resources
import TestSupport
import Testing

/// Hostile and broken files in the input directory, through the real agent: every one is a located error in
/// `input-errors.yaml`, the last good contents stay in force, and nothing is written outside the namespace.
@Suite("Hostile files")
struct HostileFileTests {
    static let site = GrantFlowTests.east

    /// The input-errors.yaml text, once it mentions `file`.
    static func inputError(_ site: TemporarySite, mentioning file: String, timeout: TimeInterval = 10) -> String? {
        let url = site.layout.status.appendingPathComponent("input-errors.yaml")
        var text: String?
        _ = site.eventually(timeout: timeout) {
            text = try? String(contentsOf: url, encoding: .utf8)
            return text?.contains(file) == true
        }
        return text?.contains(file) == true ? text : nil
    }

    @Test(arguments: ["loop", "dangling", "directory", "fifo", "outside"])
    func unreadableReplacementKeepsTheLastGoodContents(_ replacement: String) throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.site)
        try site.write("l.yaml", ResourceYAML.listener("l", port: 18080))
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.listener, "l")?.status.phase == .ready }, "log:\n\(agent.log)")
        let file = site.layout.inputResources.appendingPathComponent("l.yaml")
        // A root-only file outside the input directory, whose contents must never be echoed.
        let secret = site.layout.root.appendingPathComponent("secret.yaml")
        try "apiVersion: TOPSECRET-CONTENT-1234\n".write(to: secret, atomically: false, encoding: .utf8)
        chmod(secret.path, 0o600)
        // The replacement is made beside the file and renamed over it, so the agent never sees a deletion.
        let staged = site.layout.inputResources.appendingPathComponent(".l.yaml.new")
        switch replacement {
        case "loop":
            symlink("l.yaml", staged.path)
        case "dangling":
            symlink("missing.yaml", staged.path)
        case "directory":
            try FileManager.default.createDirectory(at: site.layout.inputResources.appendingPathComponent("sub"), withIntermediateDirectories: false)
            symlink("sub", staged.path)
        case "fifo":
            mkfifo(staged.path, 0o600)
        default:
            symlink(secret.path, staged.path)
        }
        #expect(rename(staged.path, file.path) == 0)
        let errors = try #require(Self.inputError(site, mentioning: "l.yaml"), "log:\n\(agent.log)")
        #expect(errors.contains("file: \"l.yaml\""), "\(errors)")
        // The listener stays in force: status and router configuration.
        #expect(site.status(.listener, "l")?.status.phase == .ready)
        #expect(site.routerConfig?.contains("18080") == true)
        #expect(!errors.contains("TOPSECRET"), "\(errors)")
        // Still serving: a new file is applied.
        try site.write("m.yaml", ResourceYAML.listener("m", port: 18081))
        #expect(site.eventually { site.status(.listener, "m")?.status.phase == .ready }, "log:\n\(agent.log)")
        #expect(!agent.log.contains("TOPSECRET"))
        #expect(agent.stop() == 0)
    }

    @Test func symlinkToARegularFileInsideTheInputDirectoryIsFollowed() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.site)
        try FileManager.default.createDirectory(at: site.layout.inputResources.appendingPathComponent("shared"), withIntermediateDirectories: true)
        try site.write("shared/listener.txt", ResourceYAML.listener("linked", port: 18090))
        symlink("shared/listener.txt", site.layout.inputResources.appendingPathComponent("linked.yaml").path)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.listener, "linked")?.status.phase == .ready }, "log:\n\(agent.log)")
        agent.stop()
    }

    @Test(arguments: [
        ("RouterAccess", "spec: {roles: [{name: inter-router, port: 55999}], tlsCredentials: ../../../../tmp/HOSTILE}", "spec.tlsCredentials"),
        ("RouterAccess", "spec: {roles: [{name: inter-router, port: 55999}], issuer: ../../..}", "spec.issuer"),
        ("Listener", "spec: {host: 0.0.0.0, port: 18099, routingKey: x, tlsCredentials: ../HOSTILE}", "spec.tlsCredentials"),
        ("Connector", "spec: {host: localhost, port: 18099, routingKey: x, tlsCredentials: a/b}", "spec.tlsCredentials"),
        ("Link", "spec: {endpoints: [{name: inter-router, host: h, port: '1'}], tlsCredentials: ..}", "spec.tlsCredentials"),
        ("AccessGrant", "spec: {issuer: /etc}", "spec.issuer"),
    ])
    func namesThatWouldBecomePathsAreRefused(_ kind: String, _ spec: String, _ field: String) throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.site)
        try site.write("hostile.yaml", "apiVersion: skupper.io/v2alpha1\nkind: \(kind)\nmetadata: {name: hostile}\n\(spec)\n")
        let agent = try AgentProcess(site: site)
        let errors = try #require(Self.inputError(site, mentioning: "hostile.yaml"), "log:\n\(agent.log)")
        #expect(errors.contains("field: \"\(field)\""), "\(errors)")
        #expect(errors.contains("line: 4"), "\(errors)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/HOSTILE"))
        #expect(!FileManager.default.fileExists(atPath: site.layout.root.appendingPathComponent("runtime/HOSTILE").path))
        agent.stop()
    }

    @Test func siteDefaultIssuerThatClimbsOutIsRefused() throws {
        let site = try TemporarySite()
        try site.write(
            "site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: east}\nspec:\n  linkAccess: default\n  defaultIssuer: ../../..\n")
        let agent = try AgentProcess(site: site)
        let errors = try #require(Self.inputError(site, mentioning: "site.yaml"), "log:\n\(agent.log)")
        #expect(errors.contains("field: \"spec.defaultIssuer\"") && errors.contains("line: 6"), "\(errors)")
        agent.stop()
    }

    /// "Billion laughs": 10 levels of 9 aliases in a few hundred bytes.
    static var aliasBomb: String {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        return text + "kind: Listener\n"
    }

    @Test func aliasBombIsRefusedAtOnceAndTheAgentKeepsServing() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.site)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.site, "east")?.status.phase == .ready }, "log:\n\(agent.log)")
        let started = Date()
        try site.write("bomb.yaml", Self.aliasBomb)
        let errors = try #require(Self.inputError(site, mentioning: "bomb.yaml", timeout: 5), "log:\n\(agent.log)")
        #expect(errors.contains("aliasing"), "\(errors)")
        #expect(Date().timeIntervalSince(started) < 2)
        try site.write("l.yaml", ResourceYAML.listener("l", port: 18100))
        #expect(site.eventually(timeout: 2) { site.status(.listener, "l")?.status.phase == .ready }, "log:\n\(agent.log)")
        let stopping = Date()
        #expect(agent.stop() == 0)
        #expect(Date().timeIntervalSince(stopping) < 2)
    }

    /// Thousands of listeners in one file (15 MiB: just under the 16 MiB limit).
    static func hugeFile(megabytes: Int = 15) -> String {
        var text = ""
        var index = 0
        while text.utf8.count < megabytes * 1024 * 1024 {
            text += ResourceYAML.listener("l\(index)", port: 1 + index % 65000) + "\n---\n"
            index += 1
        }
        return text
    }

    @Test func filesAfterAHugeOneAreNotHeldBackByItsParsing() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.site)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.site, "east")?.status.phase == .ready }, "log:\n\(agent.log)")
        try site.write("huge.yaml", Self.hugeFile(megabytes: 4))
        usleep(100_000)
        try site.write("small.yaml", ResourceYAML.listener("small", port: 18400))
        #expect(site.eventually(timeout: 30) { site.status(.listener, "small")?.status.phase == .ready }, "log:\n\(agent.log)")
        // The small file was applied while the huge one was still being read.
        #expect(site.status(.listener, "l0") == nil, "the huge file was applied first: parsing was not the bottleneck")
        #expect(site.eventually(timeout: 180) { site.status(.listener, "l0") != nil }, "log:\n\(agent.log)")
        agent.stop()
    }

    @Test func sigtermStopsTheAgentWithinTwoSecondsWhileAHugeFileIsParsed() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.site)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.site, "east")?.status.phase == .ready }, "log:\n\(agent.log)")
        try site.write("huge.yaml", Self.hugeFile())
        usleep(300_000)
        let stopping = Date()
        agent.signal(SIGTERM)
        agent.process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(stopping)
        #expect(elapsed < 2.5, "stopped after \(elapsed) s; log:\n\(agent.log)")
        #expect(agent.process.terminationReason == .exit)
    }

    @Test func garbageCAInASecretIsALocatedErrorAndTheCAStays() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.site)
        let agent = try AgentProcess(site: site)
        let caFile = site.layout.issuers.appendingPathComponent("skupper-site-ca/tls.crt")
        #expect(
            site.eventually { site.status(.site, "east")?.status.phase == .ready && FileManager.default.fileExists(atPath: caFile.path) },
            "log:\n\(agent.log)")
        let before = try Data(contentsOf: caFile)
        let garbage = "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n"
        try site.write(
            "ca.yaml",
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: skupper-site-ca}
            type: kubernetes.io/tls
            stringData:
              tls.crt: "\(garbage.replacingOccurrences(of: "\n", with: "\\n"))"
              tls.key: "\(garbage.replacingOccurrences(of: "\n", with: "\\n"))"
            """)
        // PEM in shape only: refused as the file is read (located at the field), so nothing of it takes effect.
        let errors = try #require(Self.inputError(site, mentioning: "ca.yaml"), "log:\n\(agent.log)")
        #expect(errors.contains("stringData.tls.crt") && errors.contains("not base64") && errors.contains("line: 6"), "\(errors)")
        // The errors file is written before the statuses: the Site's message follows shortly.
        #expect(
            site.eventually { site.status(.site, "east")?.status.message.contains("input file") == true },
            "\(String(describing: site.status(.site, "east")))")
        #expect(try Data(contentsOf: caFile) == before)
        // Removing the bad Secret brings the site back with the same CA.
        try site.remove("ca.yaml")
        #expect(site.eventually { site.status(.site, "east")?.status.phase == .ready }, "log:\n\(agent.log)")
        #expect(try Data(contentsOf: caFile) == before)
        agent.stop()
    }
}

/// A Secret whose TLS files are no PEM refuses its whole file: the Secret's last good contents and everything else
/// the file held stay in force, and the certificates written from it are not touched.
@Suite("Hostile files: a garbage-PEM Secret")
struct GarbagePEMSecretTests {
    @Test func theFileKeepsItsLastGoodContentsWhole() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", HostileFileTests.site)
        let key = site.layout.root.appendingPathComponent("web.key"), certificate = site.layout.root.appendingPathComponent("web.crt")
        let made = try run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-keyout", key.path, "-out", certificate.path, "-subj", "/CN=web", "-addext", "basicConstraints=critical,CA:TRUE",
        ])
        try #require(made.status == 0, "\(made.output)")
        let pem = try String(contentsOf: certificate, encoding: .utf8), keyPEM = try String(contentsOf: key, encoding: .utf8)
        func secret(crt: String, key: String) -> String {
            "apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: \(Data(crt.utf8).base64EncodedString())\n"
                + "  tls.key: \(Data(key.utf8).base64EncodedString())\n  ca.crt: \(Data(crt.utf8).base64EncodedString())\n"
        }
        let listener = ResourceYAML.listener("web", port: 18443).replacingOccurrences(of: "routingKey: web", with: "routingKey: web\n  tlsCredentials: web-tls")
        try site.write("web.yaml", secret(crt: pem, key: keyPEM) + "---\n" + listener)
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        let written = site.layout.certificate("web-tls").appendingPathComponent("tls.crt")
        #expect(
            site.eventually { site.status(.listener, "web")?.status.phase == .ready && (try? String(contentsOf: written, encoding: .utf8)) == pem },
            "log:\n\(agent.log)")

        // The file replaced by a Secret of garbage alone: refused whole, so the Listener it held stays.
        try site.saveAtomically("web.yaml", secret(crt: "not a certificate at all", key: keyPEM))
        let errors = try #require(HostileFileTests.inputError(site, mentioning: "web.yaml"), "log:\n\(agent.log)")
        #expect(errors.contains("tls.crt") && errors.contains("is not PEM"), "\(errors)")
        Thread.sleep(forTimeInterval: 1)
        #expect(site.status(.listener, "web")?.status.phase == .ready, "the Listener the file held was removed")
        #expect((try? String(contentsOf: written, encoding: .utf8)) == pem, "the certificate written from the last good Secret changed")
        #expect(site.routerConfig?.contains("\"name\": \"listener/web\"") == true || site.routerConfig?.contains("listener/web") == true)
    }
}
