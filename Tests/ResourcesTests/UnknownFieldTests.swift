import Foundation
import Resources
import TestSupport
import Testing

/// Fields no decoder knows: a located warning each, and the resource still applies without them (as Kubernetes
/// warns about unknown fields and applies the rest).
@Suite("Unknown fields")
struct UnknownFieldTests {
    @Test func aMisspelledFieldIsAWarningWithItsLineAndTheResourceStillLoads() throws {
        let contents = try ResourceLoader.parse(
            """
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata:
              name: backend
            spec:
              host: 0.0.0.0
              port: 8080
              routingKey: backend
              tlsCredential: backend-tls
            """, file: "listener.yaml")
        #expect(contents.resources.first?.listener?.port == 8080)
        #expect(contents.resources.first?.listener?.tlsCredentials == nil)
        let warning = try #require(contents.warnings.first)
        #expect(contents.warnings.count == 1)
        #expect(warning.field == "spec.tlsCredential")
        #expect(warning.location.line == 9)
        #expect(warning.location.document == 1)
        #expect(warning.description.contains("unknown field"))
    }

    @Test func unknownFieldsInsideListsAreNamedByIndex() throws {
        let contents = try ResourceLoader.parse(
            """
            apiVersion: skupper.io/v2alpha1
            kind: RouterAccess
            metadata:
              name: ra
            spec:
              roles:
              - name: inter-router
                port: 55671
              - name: edge
                port: 45671
                prot: 1
            """, file: "ra.yaml")
        #expect(contents.resources.count == 1)
        #expect(contents.warnings.map(\.field) == ["spec.roles[1].prot"])
    }

    @Test func freeFormMapsMetadataAndStatusAreNotChecked() throws {
        let contents = try ResourceLoader.parse(
            """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata:
              name: west
              uid: 0b1c2d3e
              resourceVersion: "7"
              labels: {app: west}
            spec:
              linkAccess: default
              settings:
                router-logging: ROUTER:debug
                anything: goes
            status:
              status: Ready
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: s
            type: kubernetes.io/tls
            data:
              tls.crt: \(TestPEM.base64(TestPEM.certificate))
            """, file: "site.yaml")
        #expect(contents.resources.count == 2)
        #expect(contents.warnings.isEmpty, "\(contents.warnings)")
    }
}
