import Foundation
import Resources
import Testing

/// Input Skupper v2 or common sense refuses, refused here with a located error: routing keys out of their rules,
/// windows past a year, a client certificate required without TLS, and TLS files of a Secret that are no PEM.
@Suite("Hostile input, round two: keys, windows, client certificates, PEM")
struct NeighbourInputTests {
    static func listener(routingKey: String, extra: String = "") -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata: {name: l}
        spec:
          host: 0.0.0.0
          port: 8080
          routingKey: "\(routingKey)"
        \(extra)
        """
    }

    static func refusal(_ text: String) -> ResourceError? {
        do {
            _ = try ResourceLoader.parse(text, file: "in.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("web\\u2028x", "has U+2028 at character 4"),
        ("web key", "has U+0020 at character 4"),
        ("tab\\tkey", "has U+0009 at character 4"),
        ("caf\\u00e9", "has U+00E9 at character 4"),
    ])
    func routingKeysHoldPrintableASCIIOnly(_ key: String, _ expected: String) throws {
        let error = try #require(Self.refusal(Self.listener(routingKey: key)), "\(key) was accepted")
        #expect(error.message.contains(expected) && error.message.contains("printable ASCII"), "\(error)")
        #expect(error.description.contains("spec.routingKey") && error.location.line == 7, "\(error)")
    }

    @Test func aRoutingKeyIsAtMost253BytesAndItsErrorQuotesLittle() throws {
        #expect(Self.refusal(Self.listener(routingKey: String(repeating: "k", count: 253))) == nil)
        let huge = String(repeating: "k", count: 1 << 20)
        let error = try #require(Self.refusal(Self.listener(routingKey: huge)))
        #expect(error.message.contains("is 1048576 bytes long: a routing key has at most 253"), "\(error.message.prefix(200))")
        #expect(error.description.utf8.count < 400, "the error quotes the whole key")
        // Connectors and MultiKeyListeners follow the same rule.
        let connector = "apiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata: {name: c}\nspec: {host: localhost, port: 80, routingKey: \"a\\u2029b\"}\n"
        #expect(Self.refusal(connector)?.message.contains("U+2029") == true)
        let multi = """
            apiVersion: skupper.io/v2alpha1
            kind: MultiKeyListener
            metadata: {name: m}
            spec:
              host: 0.0.0.0
              port: 9000
              strategy: {priority: {routingKeys: [good, "bad key"]}}
            """
        #expect(Self.refusal(multi)?.message.contains("U+0020") == true)
    }

    @Test func windowsLongerThanAYearAreRefused() throws {
        for kind in ["AccessGrant", "TokenRequest"] {
            let text = "apiVersion: skupper.io/v2alpha1\nkind: \(kind)\nmetadata: {name: g}\nspec: {expirationWindow: 99999999999h}\n"
            let error = try #require(Self.refusal(text), "\(kind) accepted a window of 11 million years")
            #expect(error.message.contains("longer than the longest allowed, 8760h0m0s"), "\(error)")
            let year = "apiVersion: skupper.io/v2alpha1\nkind: \(kind)\nmetadata: {name: g}\nspec: {expirationWindow: 8760h}\n"
            #expect(Self.refusal(year) == nil)
        }
    }

    @Test func aClientCertificateNeedsTLSCredentials() throws {
        let error = try #require(Self.refusal(Self.listener(routingKey: "k", extra: "  requireClientCert: true")))
        #expect(error.message.contains("needs tlsCredentials") && error.description.contains("spec.requireClientCert"), "\(error)")
        let contents = try ResourceLoader.parse(Self.listener(routingKey: "k", extra: "  tlsCredentials: web-tls\n  requireClientCert: true"), file: "in.yaml")
        #expect(contents.resources.first?.listener?.requireClientCert == true)
    }

    static func secret(_ data: String) -> String {
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls\n" + data
    }

    @Test func tlsFilesOfASecretMustBePEM() throws {
        let certificate = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
        let key =
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n"
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        // Good shapes pass, text around the blocks (openssl's -text output) too.
        #expect(
            Self.refusal(
                Self.secret(
                    "data: {tls.crt: \(base64("Certificate:\n  Data: ...\n" + certificate)), tls.key: \(base64(key)), ca.crt: \(base64(certificate))}\n"))
                == nil)
        for (data, expected) in [
            ("data: {tls.crt: \(base64("garbage"))}", "is not PEM"),
            ("stringData: {ca.crt: not a certificate}", "is not PEM"),
            ("data: {tls.key: \(base64(certificate))}", "holds a PEM CERTIFICATE block where a PRIVATE KEY is expected"),
            ("data: {tls.crt: \(base64("-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n"))}", "not base64"),
            ("data: {tls.crt: \(base64("-----BEGIN CERTIFICATE-----\nMAA=\n"))}", "without its -----END CERTIFICATE----- line"),
        ] {
            let error = try #require(Self.refusal(Self.secret(data + "\n")), "\(data) was accepted")
            #expect(error.message.contains(expected), "\(data): \(error)")
        }
        // A Secret without TLS files (a proxy's credentials) is not asked for PEM.
        #expect(Self.refusal(Self.secret("stringData: {host: proxy, port: \"3128\", password: pw}\n")) == nil)
    }
}
