import Foundation
import Resources
import Testing

@Suite("Status documents")
struct StatusDocumentTests {
    @Test func roundTrip() throws {
        var status = ResourceStatus.ready(fields: [StatusField("hasMatchingConnector", .bool(true)), StatusField("redemptions", .int(2))])
        status.set("url", .string("https://127.0.0.1:8081/abc"))
        status.set("ca", .string("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
        let document = StatusDocument(id: ResourceID(.accessGrant, "g"), namespace: "default", status: status)
        let text = document.yaml()
        #expect(text.contains("kind: AccessGrant"))
        #expect(text.contains("status: \"True\""))
        let parsed = try StatusDocument.parse(text)
        #expect(parsed.id == document.id)
        #expect(parsed.status.isEquivalent(to: status))
        #expect(parsed.status.field("redemptions") == .int(2))
        #expect(parsed.status.field("ca")?.text == "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    }

    @Test(arguments: [
        "plain", "with: colon", "# hash", " leading", "trailing ", "\"quoted\"", "back\\slash", "123", "true", "2026-01-01T00:00:00Z",
        "", "tab\there", "ünïcödé", "line one\nline two", "pem\nbody\n", "- dash", "{braces}", "a #b", "null", "~", "0x1F", "1e3", "*star",
    ])
    func stringsRoundTrip(_ text: String) throws {
        var status = ResourceStatus.error(text)
        status.set("value", .string(text))
        status.set("nested", .list([.map([StatusField("k", .string(text)), StatusField("n", .int(7))])]))
        let parsed = try StatusDocument.parse(StatusDocument(id: ResourceID(.link, "l"), namespace: "ns", status: status).yaml())
        #expect(parsed.status.message == text)
        #expect(parsed.status.field("value") == .string(text))
        #expect(parsed.status.field("nested") == .list([.map([StatusField("k", .string(text)), StatusField("n", .int(7))])]))
        #expect(parsed.namespace == "ns")
    }

    @Test func fileNames() {
        #expect(StatusDocument.fileName(for: ResourceID(.routerAccess, "west")) == "RouterAccess-west.yaml")
    }
}

/// Status files hold the resource as in force (what Skupper v2 keeps in runtime/resources), read back unchanged.
@Suite("Status files as Skupper v2 runtime resources")
struct StatusBodyTests {
    @Test func theSpecSitsBetweenMetadataAndStatusAndReadsBack() throws {
        let resource = Resource(metadata: ObjectMeta(name: "backend"), spec: .listener(ListenerSpec(routingKey: "backend", host: "127.0.0.1", port: 8080)))
        let document = StatusDocument(id: resource.id, namespace: "ns", status: .ready(), body: StatusDocument.body(of: resource), uid: nil)
        let text = document.yaml()
        #expect(text.contains("spec:\n  routingKey: backend"), "\(text)")
        let parsed = try StatusDocument.parse(text)
        #expect(parsed.body == document.body && parsed.status.phase == .ready)
        // It is a resource document Skupper v2 (and this loader) reads.
        let loaded = try ResourceLoader.parse(text, file: "Listener-backend.yaml")
        #expect(loaded.resources.first?.spec == resource.spec)
    }

    @Test func aSiteCarriesItsSiteIdAsUidAndSecretsAndEmptySpecsWriteNoBody() throws {
        let site = StatusDocument(id: ResourceID(.site, "west"), namespace: "ns", status: .ready(), body: "", uid: "1234-abcd")
        #expect(try StatusDocument.parse(site.yaml()).uid == "1234-abcd")
        let secret = Resource(metadata: ObjectMeta(name: "s"), spec: .secret(SecretSpec(data: ["tls.key": Data("KEY".utf8)])))
        #expect(StatusDocument.body(of: secret).isEmpty)
        let request = Resource(metadata: ObjectMeta(name: "app"), spec: .tokenRequest(TokenRequestSpec()))
        #expect(StatusDocument.body(of: request).isEmpty)
    }
}
