import Foundation
import Resources
import TestSupport
import Testing

@testable import CLI

/// `skupper debug dump`: a tarball `tar tzf` reads, with the statuses and the router's configuration, and not one
/// private key, even where tls.key files and keys inside resources exist.
@Suite("skupper: debug dump")
struct DebugDumpTests {
    /// A private key whose body is recognisable wherever it ends up (not a real key: the dump must not care).
    static let keyBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDUMPTESTKEYBODY0123456789abcdefghijklmnopqrs"
    static var pemKey: String { "-----BEGIN PRIVATE KEY-----\n\(keyBody)\n-----END PRIVATE KEY-----\n" }

    @Test func dumpHoldsStatusesAndConfigurationButNoPrivateKey() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", SystemApplyDeleteTests.site + "\n---\n" + ResourceYAML.listener("backend", port: 8080) + "\n")
        try site.write("bad.yaml", "kind: Listener\nmetadata: {name: broken}\nspec: {port: not-a-number}\n")
        // A Secret holding a key three ways: base64 data, a PEM in stringData, a block scalar.
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: mine
            data:
              tls.key: \(Data(Self.pemKey.utf8).base64EncodedString())
              ca.crt: \(Data("a certificate".utf8).base64EncodedString())
            stringData:
              other.key: |
                \(Self.pemKey.split(separator: "\n").joined(separator: "\n    "))
              note: kept
            """
        try site.write("Secret-mine.yaml", secret + "\n")
        // User-provided certificates and issuers, with their keys.
        for directory in [site.layout.root.appendingPathComponent("input/certs/mine"), site.layout.root.appendingPathComponent("input/issuers/myca")] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try "a certificate\n".write(to: directory.appendingPathComponent("tls.crt"), atomically: true, encoding: .utf8)
            try "a certificate\n".write(to: directory.appendingPathComponent("ca.crt"), atomically: true, encoding: .utf8)
            try Self.pemKey.write(to: directory.appendingPathComponent("tls.key"), atomically: true, encoding: .utf8)
        }
        // Symbolic links (to a file and to a directory outside the namespace) are not followed.
        let outside = try ScratchDirectory()
        try "OUTSIDE-MARKER\n".write(toFile: outside.path("tls.crt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: site.layout.root.appendingPathComponent("input/certs/linked").path, withDestinationPath: outside.url.path)
        try FileManager.default.createSymbolicLink(
            atPath: site.layout.inputResources.appendingPathComponent("linked.txt").path, withDestinationPath: outside.path("tls.crt"))
        let agent = try AgentProcess(site: site)
        #expect(site.eventually(timeout: 20) { site.status(.site, "west") != nil }, "log:\n\(agent.log)")
        #expect(site.eventually(timeout: 20) { site.status(.listener, "backend") != nil })
        defer { agent.stop() }
        let inputErrors = site.layout.status.appendingPathComponent("input-errors.yaml")
        // Written after the statuses, in the same reconcile.
        #expect(site.eventually(timeout: 10) { FileManager.default.fileExists(atPath: inputErrors.path) })
        let runtimeKeys = try Self.files(under: site.layout.certificates).filter { $0.lastPathComponent == "tls.key" }
        #expect(!runtimeKeys.isEmpty, "the agent wrote no certificate")
        // A router log over 1 MiB: its end goes in.
        let log = String(repeating: "an old router log line\n", count: 60_000) + "the last line\n"
        try log.write(to: site.layout.routerDirectory.appendingPathComponent("skrouterd.log"), atomically: true, encoding: .utf8)

        let scratch = try ScratchDirectory()
        let result = try site.skupper("debug", "dump", scratch.path("dump"))
        #expect(result.status == 0, "\(result)")
        let written = "Skupper dump details written to compressed archive: "
        #expect(result.stdout.hasPrefix(written + scratch.path("dump-default-")) && result.stdout.hasSuffix(".tar.gz\n"), "\(result)")
        let path = String(result.stdout.dropFirst(written.count).dropLast())
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let listing = try run(["tar", "tzf", path])
        #expect(listing.status == 0, "\(listing.output)")
        let top = URL(fileURLWithPath: path).lastPathComponent.replacingOccurrences(of: ".tar.gz", with: "")
        let entries = listing.output.split(separator: "\n").map(String.init)
        #expect(entries.allSatisfy { $0.hasPrefix(top + "/") }, "\(entries)")
        let files = Set(entries.map { String($0.dropFirst(top.count + 1)) })
        func relative(_ url: URL) -> String { String(url.path.dropFirst(site.layout.root.path.count + 1)) }
        for expected in [
            relative(site.layout.routerConfig), relative(inputErrors), relative(site.layout.statusFile(ResourceID(.site, "west"))),
            relative(site.layout.statusFile(ResourceID(.listener, "backend"))), relative(site.layout.agentInfo),
            "input/resources/site.yaml", "input/resources/bad.yaml", "input/resources/Secret-mine.yaml",
            "input/certs/mine/tls.crt", "input/issuers/myca/ca.crt", "runtime/router/skrouterd.log",
            "README.txt", "versions/skupper.txt",
        ] {
            #expect(files.contains(expected), "\(expected) is not in the dump: \(files.sorted())")
        }
        #expect(files.contains { $0.hasPrefix("runtime/certs/") && $0.hasSuffix("/tls.crt") }, "\(files.sorted())")
        #expect(!files.contains { $0.hasSuffix(".key") }, "\(files.sorted())")

        // Unpacked, no file holds any of the keys, in PEM or in base64.
        let unpacked = scratch.url.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        let extracted = try run(["tar", "xzf", path, "-C", unpacked.path])
        #expect(extracted.status == 0, "\(extracted.output)")
        var secrets = [Self.keyBody, String(Data(Self.pemKey.utf8).base64EncodedString().prefix(60))]
        for key in runtimeKeys {
            let lines = try String(contentsOf: key, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("-----") }
            secrets += lines.prefix(3).map(String.init)
        }
        for file in try Self.files(under: unpacked) {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            #expect(!text.contains("PRIVATE KEY-----"), "\(file.path)")
            #expect(!text.contains("OUTSIDE-MARKER"), "\(file.path) was reached through a symbolic link")
            for secret in secrets { #expect(!text.contains(secret), "\(file.path) holds a private key") }
        }
        let dumped = unpacked.appendingPathComponent(top)
        let secretText = try String(contentsOf: dumped.appendingPathComponent("input/resources/Secret-mine.yaml"), encoding: .utf8)
        #expect(
            secretText.contains("tls.key: \"\(PrivateKeyRedaction.marker)\"") && secretText.contains("note: kept") && secretText.contains("ca.crt: "),
            "\(secretText)")
        let config = try String(contentsOf: dumped.appendingPathComponent(relative(site.layout.routerConfig)), encoding: .utf8)
        #expect(config == site.routerConfig)
        let dumpedLog = try Data(contentsOf: dumped.appendingPathComponent("runtime/router/skrouterd.log"))
        #expect(dumpedLog.count <= 1 << 20 && String(decoding: dumpedLog, as: UTF8.self).hasSuffix("the last line\n"))
        let readme = try String(contentsOf: dumped.appendingPathComponent("README.txt"), encoding: .utf8)
        #expect(readme.contains("input/certs/mine/tls.key: left out (private key)"), "\(readme)")
    }

    @Test func aNamespaceWithoutASiteHasNoDump() throws {
        let site = try TemporarySite()
        let scratch = try ScratchDirectory()
        var result = try site.skupper("debug", "dump", scratch.path("dump"))
        #expect(result.status != 0 && result.stderr.hasPrefix("Error: no skupper site found in namespace\n"), "\(result)")
        try site.write("site.yaml", SystemApplyDeleteTests.site + "\n")
        result = try site.skupper("debug", "dump", scratch.path("my dump"))
        #expect(
            result.status != 0 && result.stderr.hasPrefix("Error: filename is not valid: value does not match this regular expression: ^[A-Za-z0-9./~-]+$"),
            "\(result)")
        // Without a name: skupper-dump-<namespace>-<time>.tar.gz in the current directory.
        result = try SkupperCLI.run(["debug", "dump"], site: site, currentDirectory: scratch.url)
        #expect(result.status == 0, "\(result)")
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
        #expect(names.count == 1 && names[0].hasPrefix("skupper-dump-default-") && names[0].hasSuffix(".tar.gz"), "\(names)")
        #expect(try run(["tar", "tzf", scratch.path(names[0])]).status == 0)
    }

    @Test func fileNamesAsV2() throws {
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour, components.minute, components.second) = (2025, 1, 2, 3, 4, 5)
        let date = try #require(Calendar.current.date(from: components))
        #expect(DebugDump.outputName("skupper-dump", namespace: "west", date: date) == "skupper-dump-west-20250102030405.tar.gz")
        #expect(DebugDump.outputName("/tmp/a.d/dump", namespace: "west", date: date) == "/tmp/a.d/dump-west-20250102030405.tar.gz")
        // v2 adds nothing when the name already has an extension.
        #expect(DebugDump.outputName("dump.tgz", namespace: "west", date: date) == "dump.tgz-west-20250102030405")
        #expect(DebugDump.topDirectory("/tmp/dump-west-20250102030405.tar.gz") == "dump-west-20250102030405")
    }

    @Test func redaction() {
        let yaml = """
            data:
              tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t
              "ca.key": 'quoted'
              tls.crt: kept
            block.key: |
              -----BEGIN EC PRIVATE KEY-----
              abc
              -----END EC PRIVATE KEY-----
            after: kept
            """
        let redacted = PrivateKeyRedaction.redact(yaml)
        #expect(
            redacted == """
                data:
                  tls.key: "\(PrivateKeyRedaction.marker)"
                  "ca.key": "\(PrivateKeyRedaction.marker)"
                  tls.crt: kept
                block.key: "\(PrivateKeyRedaction.marker)"
                after: kept
                """, "\(redacted)")
        let json = #"{"data": {"tls.key": "abc", "tls.crt": "def"}, "x": "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"}"#
        #expect(
            PrivateKeyRedaction.redact(json)
                == #"{"data": {"tls.key": "\#(PrivateKeyRedaction.marker)", "tls.crt": "def"}, "x": "\#(PrivateKeyRedaction.marker)"}"#)
        // A key in base64 under any name, in a flow mapping.
        let encoded = Data(Self.pemKey.utf8).base64EncodedString()
        let flow = PrivateKeyRedaction.redact("data: {secret: \(encoded), other: x}")
        #expect(flow == "data: {secret: \(PrivateKeyRedaction.marker), other: x}")
        // Found at every alignment of the key within what was encoded.
        for pad in 0..<3 {
            #expect(PrivateKeyRedaction.containsPrivateKey(Data((String(repeating: "x", count: pad) + Self.pemKey).utf8).base64EncodedString()))
        }
        #expect(!PrivateKeyRedaction.containsPrivateKey("privateKeyFile: /x/tls.key"))
        #expect(PrivateKeyRedaction.redact(#""privateKeyFile": "/x/tls.key","#) == #""privateKeyFile": "/x/tls.key","#)
    }

    /// Every kind of secret a site holds besides private keys, planted where the agent and the user put them: a grant's
    /// code (its status, the ledger), a token's code (its input file, its state), a proxy's password (its Secret in
    /// base64, the agent's password file), another Secret's data, and the codes again in the router's log. None of them
    /// is in the dump, plain or in base64, and its README says what was masked.
    @Test func noSecretOfAnyKindIsInTheDump() throws {
        let site = try TemporarySite()
        let tokenCode = "TOKENCODE0123456789abcd", password = "proxy-Pa55word-0123", apiKey = "api-key-value-98765"
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: east}\nspec: {linkAccess: default}\n")
        try site.write("grant.yaml", "apiVersion: skupper.io/v2alpha1\nkind: AccessGrant\nmetadata: {name: g}\nspec: {redemptionsAllowed: 1}\n")
        try site.write(
            "token.yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken
            metadata: {name: to-nowhere}
            spec:
              url: https://127.0.0.1:1/00000000-0000-0000-0000-000000000000
              code: \(tokenCode)
              ca: |
                \(TestPEM.certificate.split(separator: "\n").joined(separator: "\n    "))

            """)
        try site.write(
            "link.yaml",
            ResourceYAML.proxiedLink() + """

                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: corp-proxy}
                type: kubernetes.io/basic-auth
                data: {host: \(TestPEM.base64("proxy.example.com")), port: \(TestPEM.base64("3128")), username: \(TestPEM.base64("skupper")), password: \(TestPEM.base64(password))}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: app}
                stringData: {settings.ini: "\(apiKey)"}

                """)
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(site.eventually(timeout: 20) { site.status(.accessGrant, "g")?.status.field("code")?.text != nil }, "log:\n\(agent.log)")
        let grantCode = try #require(site.status(.accessGrant, "g")?.status.field("code")?.text)
        let passwordFile = site.layout.proxies.appendingPathComponent("corp-proxy/password.txt")
        #expect(site.eventually(timeout: 20) { FileManager.default.fileExists(atPath: passwordFile.path) }, "log:\n\(agent.log)")
        #expect(site.eventually(timeout: 20) { site.status(.accessToken, "to-nowhere") != nil })
        // The codes in log lines too, as a careless log or a journal entry would have them.
        try FileManager.default.createDirectory(at: site.layout.routerDirectory, withIntermediateDirectories: true)
        try "redeemed with \(grantCode)\ntoken \(tokenCode) sent\nproxy \(password)\n".write(
            to: site.layout.routerDirectory.appendingPathComponent("skrouterd.log"), atomically: true, encoding: .utf8)

        let scratch = try ScratchDirectory()
        let result = try site.skupper("debug", "dump", scratch.path("dump"))
        #expect(result.status == 0, "\(result)")
        let path = String(result.stdout.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let unpacked = scratch.url.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        #expect(try run(["tar", "xzf", path, "-C", unpacked.path]).status == 0)
        let secrets = [grantCode, tokenCode, password, apiKey].flatMap { [$0, TestPEM.base64($0)] }
        var texts: [String: String] = [:]
        for file in try Self.files(under: unpacked) {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            texts[file.lastPathComponent] = text
            for secret in secrets { #expect(!text.contains(secret), "\(file.path) holds \(secret)") }
        }
        #expect(texts["password.txt"] == nil, "the password file is in the dump")
        #expect(texts["skrouterd.log"]?.contains("redeemed with \(SecretRedaction.marker)") == true, "\(texts["skrouterd.log"] ?? "")")
        let grantStatus = texts.first { $0.key.hasPrefix("AccessGrant-g") }?.value ?? ""
        #expect(grantStatus.contains("code: \"\(SecretRedaction.marker)\"") && grantStatus.contains("url: https://"), "\(grantStatus)")
        let readme = texts["README.txt"] ?? ""
        func masked(_ file: String) -> String { readme.split(separator: "\n").first { $0.contains(file + ": ") }.map(String.init) ?? "" }
        #expect(
            readme.contains("Masked:") && masked("AccessGrant-g.yaml").contains("code") && masked("input/resources/token.yaml").contains("code"), "\(readme)")
        #expect(masked("skrouterd.log").contains("a secret value (3 times)"), "\(readme)")
        #expect(readme.contains("corp-proxy/password.txt: left out (a password)"), "\(readme)")
    }

    @Test func secretFieldsAreMaskedByNameAndKnownValuesEverywhere() {
        var redaction = SecretRedaction()
        redaction.learn(file: "Secret-s.yaml", text: "kind: Secret\nmetadata: {name: s}\ndata: {tls.crt: Y2VydA==, token: \(TestPEM.base64("sekret-value"))}\n")
        redaction.learn(file: "state.json", text: #"{"code": "json-code-1234", "privateKeyFile": "/x"}"#)
        var masked: [String] = []
        let text = redaction.redact(
            """
            password: hunter22
            proxyPassword: 'quoted one'
            code: abcdefghijkl
            issuer: kept-issuer
            message: the code json-code-1234 was sent, and c2VrcmV0LXZhbHVl
            {"secret": "x", "password": "file:/run/p.txt", "name": "kept"}
            """, masked: &masked)
        #expect(
            text == """
                password: "\(SecretRedaction.marker)"
                proxyPassword: "\(SecretRedaction.marker)"
                code: "\(SecretRedaction.marker)"
                issuer: kept-issuer
                message: the code \(SecretRedaction.marker) was sent, and \(SecretRedaction.marker)
                {"secret": "\(SecretRedaction.marker)", "password": "file:/run/p.txt", "name": "kept"}
                """, "\(text)")
        #expect(masked.sorted() == ["a secret value", "a secret value", "code", "password", "proxyPassword", "secret"], "\(masked)")
    }

    static func files(under directory: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}
