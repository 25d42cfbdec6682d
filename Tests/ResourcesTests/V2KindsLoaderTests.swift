import CLI
import Foundation
import Resources
import Testing

/// MultiKeyListener, Certificate and SecuredAccess: read with Skupper v2's field names, checked, located errors,
/// written back, and never skipped as unknown kinds.
@Suite("Loading MultiKeyListener, Certificate and SecuredAccess")
struct V2KindsLoaderTests {
    func load(_ text: String) throws(ResourceError) -> ResourceLoader.FileContents {
        try ResourceLoader.parse(text, file: "test.yaml")
    }

    func failure(_ text: String) -> ResourceError? {
        do {
            _ = try load(text)
            return nil
        } catch { return error }
    }

    static let all = """
        apiVersion: skupper.io/v2alpha1
        kind: MultiKeyListener
        metadata: {name: db}
        spec:
          host: 0.0.0.0
          port: 5432
          tlsCredentials: db-tls
          requireClientCert: true
          observer: none
          settings: {a: b}
          strategy:
            priority:
              routingKeys: [db-primary, db-backup]
        ---
        apiVersion: skupper.io/v2alpha1
        kind: MultiKeyListener
        metadata: {name: web}
        spec:
          host: localhost
          port: "8080"
          strategy:
            weighted:
              routingKeys: {web-a: 3, web-b: "1"}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Certificate
        metadata: {name: my-ca}
        spec:
          ca: ""
          subject: My CA
          signing: true
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Certificate
        metadata: {name: my-server}
        spec:
          ca: my-ca
          subject: db.example.com
          hosts: [db.example.com, 10.0.0.7, "*.db.example.com"]
          server: true
        ---
        apiVersion: skupper.io/v2alpha1
        kind: SecuredAccess
        metadata: {name: console}
        spec:
          accessType: route
          selector: {app: console}
          ports:
          - {name: https, port: 443, targetPort: 8443, protocol: TCP}
          certificate: console-cert
          issuer: skupper-site-ca
          settings: {x: y}
        """

    @Test func everyFieldIsReadAndNothingIsSkipped() throws {
        let contents = try load(Self.all)
        #expect(contents.warnings.isEmpty, "\(contents.warnings)")
        #expect(contents.resources.map(\.kind) == [.multiKeyListener, .multiKeyListener, .certificate, .certificate, .securedAccess])

        let db = try #require(contents.resources[0].multiKeyListener)
        #expect(db.host == "0.0.0.0" && db.port == 5432 && db.tlsCredentials == "db-tls" && db.requireClientCert)
        #expect(db.observer == "none" && db.settings == ["a": "b"])
        #expect(db.strategy == .priority(["db-primary", "db-backup"]))
        #expect(db.strategy.name == "priority" && db.strategy.routingKeys == ["db-primary", "db-backup"])
        let web = try #require(contents.resources[1].multiKeyListener)
        #expect(web.port == 8080 && web.strategy == .weighted(["web-a": 3, "web-b": 1]) && !web.requireClientCert)
        #expect(web.strategy.routingKeys == ["web-a", "web-b"])

        let ca = try #require(contents.resources[2].certificate)
        #expect(ca.signing && ca.ca == nil && ca.subject == "My CA" && ca.hosts.isEmpty)
        let server = try #require(contents.resources[3].certificate)
        #expect(!server.signing && server.server && !server.client && server.ca == "my-ca")
        #expect(server.hosts == ["db.example.com", "10.0.0.7", "*.db.example.com"])

        let access = try #require(contents.resources[4].securedAccess)
        #expect(access.accessType == "route" && access.selector == ["app": "console"])
        #expect(access.ports == [SecuredAccessSpec.Port(name: "https", port: 443, targetPort: 8443, protocol: "TCP")])
        #expect(access.certificate == "console-cert" && access.issuer == "skupper-site-ca" && access.settings == ["x": "y"])
    }

    @Test func writtenBackTheyReadTheSame() throws {
        let resources = try load(Self.all).resources
        let again = try load(ResourceEncoder.yaml(resources)).resources
        #expect(again == resources)
        let text = ResourceEncoder.yaml(resources[0])
        #expect(text.contains("strategy:\n    priority:\n      routingKeys:\n      - \"db-primary\"\n      - \"db-backup\""), "\(text)")
    }

    @Test func aMisspelledFieldIsAWarningNotASkippedDocument() throws {
        let contents = try load(
            """
            apiVersion: skupper.io/v2alpha1
            kind: MultiKeyListener
            metadata: {name: db}
            spec:
              host: 0.0.0.0
              port: 5432
              tlsCredential: x
              strategy:
                priority:
                  routingKey: [a]
                  routingKeys: [a]
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Certificate
            metadata: {name: c}
            spec: {subject: c, signing: true, hostz: [a]}
            """)
        #expect(contents.resources.count == 2)
        #expect(Set(contents.warnings.compactMap(\.field)) == ["spec.tlsCredential", "spec.strategy.priority.routingKey", "spec.hostz"])
        #expect(contents.warnings.first { $0.field == "spec.tlsCredential" }?.location.line == 7)
    }

    static let header = "apiVersion: skupper.io/v2alpha1\nkind: MultiKeyListener\nmetadata: {name: m}\nspec:\n  host: 0.0.0.0\n  port: 9000\n"
    static let certificate = "apiVersion: skupper.io/v2alpha1\nkind: Certificate\nmetadata: {name: c}\nspec:\n"
    static let securedAccess = "apiVersion: skupper.io/v2alpha1\nkind: SecuredAccess\nmetadata: {name: s}\nspec:\n"

    @Test(arguments: [
        // (yaml, line, field, message fragment)
        (header, 5, "spec.strategy", "is required"),
        (header + "  strategy: {}\n", 7, "spec.strategy", "one of priority or weighted is required"),
        (
            header + "  strategy:\n    priority: {routingKeys: [a]}\n    weighted: {routingKeys: {a: 1}}\n", 8, "spec.strategy",
            "only one of priority or weighted"
        ),
        (header + "  strategy:\n    priority: {routingKeys: []}\n", 8, "spec.strategy.priority.routingKeys", "at least one routing key"),
        (header + "  strategy:\n    priority:\n      routingKeys:\n      - a\n      - \"\"\n", 11, "spec.strategy.priority.routingKeys[1]", "is empty"),
        (
            header + "  strategy:\n    priority:\n      routingKeys:\n      - a\n      - b\n      - a\n", 12, "spec.strategy.priority.routingKeys[2]",
            "listed twice"
        ),
        (header + "  strategy:\n    priority:\n      routingKeys: a\n", 9, "spec.strategy.priority.routingKeys", "expected a list"),
        (header + "  strategy:\n    weighted:\n      routingKeys:\n        a: 0\n", 10, "spec.strategy.weighted.routingKeys.a", "from 1 to 1000000"),
        (header + "  strategy:\n    weighted:\n      routingKeys:\n        a: heavy\n", 10, "spec.strategy.weighted.routingKeys.a", "must be an integer"),
        (header + "  strategy:\n    weighted: {routingKeys: {}}\n", 8, "spec.strategy.weighted.routingKeys", "at least one routing key"),
        (header + "  observer: tcp\n  strategy: {priority: {routingKeys: [a]}}\n", 7, "spec.observer", "unsupported observer"),
        (header + "  requireClientCert: true\n  strategy: {priority: {routingKeys: [a]}}\n", 7, "spec.requireClientCert", "needs tlsCredentials"),
        (header + "  tlsCredentials: ../x\n  strategy: {priority: {routingKeys: [a]}}\n", 7, "spec.tlsCredentials", "invalid name"),
        (
            "apiVersion: skupper.io/v2alpha1\nkind: MultiKeyListener\nmetadata: {name: m}\nspec:\n  host: Not_A_Host\n  port: 9000\n", 5, "spec.host",
            "invalid multikeylistener host"
        ),
        ("apiVersion: skupper.io/v2alpha1\nkind: MultiKeyListener\nmetadata: {name: m}\nspec:\n  host: h\n  port: 0\n", 6, "spec.port", "out of range"),
        (certificate + "  ca: my-ca\n", 5, "spec.subject", "is required"),
        (certificate + "  subject: s\n  server: true\n", 5, "spec.ca", "is required unless signing"),
        (certificate + "  subject: s\n  signing: yes please\n", 6, "spec.signing", "expected true or false"),
        (certificate + "  subject: \(String(repeating: "x", count: 65))\n  signing: true\n", 5, "spec.subject", "64 characters"),
        (certificate + "  subject: s\n  ca: my-ca\n  hosts:\n  - good.example\n  - bad host\n", 9, "spec.hosts[1]", "invalid host bad host"),
        (certificate + "  subject: s\n  ca: ../../etc\n", 6, "spec.ca", "invalid name"),
        (securedAccess + "  ports:\n  - {name: https}\n", 6, "spec.ports[0].port", "is required"),
        (securedAccess + "  ports:\n  - {port: 443}\n", 6, "spec.ports[0].name", "is required"),
        (securedAccess + "  ports:\n  - {name: a, port: 443}\n  - {name: a, port: 444}\n", 7, "spec.ports[1]", "used twice"),
        (securedAccess + "  ports:\n  - {name: a, port: 443, targetPort: 99999}\n", 6, "spec.ports[0].targetPort", "out of range"),
        (securedAccess + "  certificate: A/B\n", 5, "spec.certificate", "invalid name"),
    ])
    func invalidFieldsNameTheirLineAndField(yaml: String, line: Int, field: String, message: String) throws {
        let error = try #require(failure(yaml), "accepted: \(yaml)")
        #expect(error.location.file == "test.yaml" && error.location.document == 1)
        #expect(error.location.line == line, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func tooManyRoutingKeysAreRefused() throws {
        let keys = (0...MultiKeyListenerSpec.maximumRoutingKeys).map { "k\($0)" }.joined(separator: ", ")
        let error = try #require(failure(Self.header + "  strategy: {priority: {routingKeys: [\(keys)]}}\n"))
        #expect(error.field == "spec.strategy.priority.routingKeys" && error.message.contains("at most 256"))
    }

    @Test func theNewKindsAreKnownKinds() throws {
        for kind in ["MultiKeyListener", "Certificate", "SecuredAccess"] {
            #expect(ResourceKind(rawValue: kind) != nil)
            let contents = try load("apiVersion: skupper.io/v2alpha1\nkind: Gadget\nmetadata: {name: g}\n")
            #expect(contents.warnings.first?.message.contains(kind) == true, "the known kinds listed name \(kind)")
        }
        #expect(ResourceKind.multiKeyListener.lowercased == "multikeylistener")
        #expect(StatusDocument.fileName(for: ResourceID(.securedAccess, "s")) == "SecuredAccess-s.yaml")
    }
}
