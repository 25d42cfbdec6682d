import Foundation
import Resources
import Testing

@Suite("Resource encoding")
struct ResourceEncoderTests {
    @Test func everyKindRoundTrips() throws {
        let original = try ResourceLoader.parse("""
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
            stringData: {tls.crt: CRT, tls.key: KEY, ca.crt: CA}
            """, file: "in.yaml").resources
        let text = ResourceEncoder.yaml(original)
        let again = try ResourceLoader.parse(text, file: "out.yaml").resources
        #expect(again == original, "\(text)")
        #expect(text.contains("port: \"55671\""))
    }
}
