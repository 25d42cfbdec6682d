import CLI
import Foundation
import Resources
import TestSupport
import Testing

@Suite("Resource encoding")
struct ResourceEncoderTests {
    @Test func everyKindRoundTrips() throws {
        let original = try ResourceLoader.parse(
            """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata: {name: west, labels: {a: b}}
            spec: {linkAccess: default, edge: true, settings: {x: "1"}}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata: {name: backend}
            spec: {host: 0.0.0.0, port: 8080, routingKey: backend, tlsCredentials: t}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Connector
            metadata: {name: db}
            spec: {host: localhost, port: 5432, routingKey: db, useClientCert: true}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Link
            metadata: {name: to-east}
            spec:
              cost: 3
              tlsCredentials: to-east
              endpoints: [{name: inter-router, host: h, port: "55671", group: g}]
            ---
            apiVersion: skupper.io/v2alpha1
            kind: RouterAccess
            metadata: {name: ra}
            spec: {roles: [{name: edge, port: 45671}], tlsCredentials: ra, bindHost: 127.0.0.1, subjectAlternativeNames: [a.example]}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: AccessGrant
            metadata: {name: g}
            spec: {redemptionsAllowed: 2, expirationWindow: 1h, code: c0de}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken
            metadata: {name: tok}
            spec:
              url: https://127.0.0.1:8081/abc
              code: c0de
              ca: |
                -----BEGIN CERTIFICATE-----
                MIIB
                -----END CERTIFICATE-----
            ---
            apiVersion: skupper.io/v2alpha1
            kind: TokenRequest
            metadata: {name: app}
            context: {tenant: t}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: to-east}
            type: kubernetes.io/tls
            data: \(TestPEM.dataFlow)
            """, file: "in.yaml"
        ).resources
        let text = ResourceEncoder.yaml(original)
        let again = try ResourceLoader.parse(text, file: "out.yaml").resources
        #expect(again == original, "\(text)")
        #expect(text.contains("port: \"55671\""))
        // The writer used for grant answers reads back to the same resources.
        let fast = ResourceEncoder.fastYAML(original)
        #expect(try ResourceLoader.parse(fast, file: "fast.yaml").resources == original, "\(fast)")
    }

    /// Strings that YAML would take for something else, or that need escapes, read back as themselves. (U+FEFF is
    /// left out: libyaml's reader drops it wherever it stands, however it is written.)
    static let hostile = [
        "", " leading", "trailing ", "yes", "No", "ON", "null", "~", "true", "123", "-1", "1e3", "0x1F", ".5", "-",
        "a: b", "#comment", "a #b", "- x", "[x]", "{x}", "*alias", "&anchor", "!tag", "%x", "@x", "`x", "|", ">",
        "quote\"d", "back\\slash", "line\nbreak", "tab\there", "cr\r", "nul\u{0}", "del\u{7F}", "\u{85}nel",
        "\u{2028}\u{2029}", "é ü 日本 🙂", "10.1.2.3", "::1", "host.example.com", "a'b", "'", "\"",
        "---", "...", "? x", "x,y", "https://h:8081/abc?x=1&y=2",
    ]

    @Test(arguments: hostile)
    func theAnswerWriterQuotesWhatNeedsIt(_ value: String) throws {
        let link = Resource(
            metadata: ObjectMeta(name: "l"),
            spec: .link(
                LinkSpec(
                    endpoints: [.init(name: "inter-router", host: value.isEmpty ? "h" : value, port: "55671", group: value.isEmpty ? nil : value)],
                    tlsCredentials: "t", settings: [value.isEmpty ? "k" : value: value])))
        let secret = Resource(metadata: ObjectMeta(name: "s", annotations: ["note": value]), spec: .secret(SecretSpec(data: ["value": Data(value.utf8)])))
        let text = ResourceEncoder.fastYAML([secret, link])
        let again = try ResourceLoader.parse(text, file: "fast.yaml").resources
        #expect(again == [secret, link], "\(text)")
        #expect(text == ResourceEncoder.fastYAML(again))
    }

    @Test func plainOnlyWhereNothingElseIsMeant() {
        for plain in ["inter-router", "skupper.io/v2alpha1", "kubernetes.io/tls", "tls.crt", "a_b", "west"] {
            #expect(BlockYAMLWriter.isPlainString(plain), "\(plain)")
        }
        for quoted in ["yes", "Null", "1", "-x", ".x", "a b", "a:b", "", "x#"] {
            #expect(!BlockYAMLWriter.isPlainString(quoted), "\(quoted)")
        }
    }
}
