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

    @Test func fileNames() {
        #expect(StatusDocument.fileName(for: ResourceID(.routerAccess, "west")) == "RouterAccess-west.yaml")
    }
}
