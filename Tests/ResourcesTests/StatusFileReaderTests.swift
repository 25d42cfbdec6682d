import Foundation
import Testing

@testable import Resources

/// The status file reader reads the agent's own files as libyaml does, and leaves every other text to libyaml.
@Suite("Status file reader")
struct StatusFileReaderTests {
    /// Strings a status may carry: plain words, reserved words, numbers, indicators, quotes, controls, line breaks
    /// of every kind, non-ASCII.
    static let strings = [
        "OK", "Ready", "true", "no", "null", "~", "", " ", "12", "-3", "1.5", "2024-01-02", "a: b", "a #b", "a#b", "#x", "- x",
        "[x]", "{x}", "*ref", "&anchor", "!tag", "|", ">", "'single'", "\"double\"", "back\\slash", "tab\there", "cr\rhere",
        "bell\u{7}", "del\u{7F}", "nel\u{85}", "ls\u{2028}ps\u{2029}", "café", "日本", "😀", "trailing ", "x:", "x: ",
        "two\nlines", "ends with newline\n", "url https://h:9090/path?q=1",
    ]

    static func documents() -> [StatusDocument] {
        var documents: [StatusDocument] = []
        for (index, text) in strings.enumerated() {
            var status = ResourceStatus.error(text, reason: text.isEmpty ? "Error" : text)
            status.set("hasMatchingConnector", .bool(index % 2 == 0))
            status.set("count", .int(index - 20))
            status.set("text", .string(text))
            status.set("list", .list([.string(text), .int(index), .bool(true)]))
            status.set("map", .map([StatusField("key", .string(text)), StatusField("n", .int(index))]))
            status.set("empty", .list([]))
            status.set(
                "endpoints",
                .list([.map([StatusField("name", .string("inter-router")), StatusField("host", .string(text)), StatusField("port", .string("55671"))])]))
            let spec = Resource(
                metadata: ObjectMeta(name: "l\(index)"), spec: .listener(ListenerSpec(routingKey: "k\(index)", host: "0.0.0.0", port: 1000 + index)))
            documents.append(
                StatusDocument(
                    id: ResourceID(.listener, "l\(index)"), namespace: "default", status: status,
                    body: StatusDocument.body(of: spec), uid: index % 3 == 0 ? "uid-\(index)" : nil))
        }
        documents.append(StatusDocument(id: ResourceID(.site, "s"), namespace: "default", status: .ready(), uid: "0b2c"))
        return documents
    }

    @Test func readsTheAgentsFilesAsLibyaml() throws {
        var fast = 0
        for document in Self.documents() {
            let text = document.yaml()
            let yaml = try #require(try YAMLReader.documents(text).first)
            if let ours = StatusFileReader.read(Array(text.utf8)[...]) {
                fast += 1
                #expect(Self.same(ours, yaml), "\(text)")
            }
            // Whichever reader read it, the document reads back as written.
            let parsed = try StatusDocument.parse(text)
            #expect(parsed.id == document.id && parsed.namespace == document.namespace && parsed.uid == document.uid)
            #expect(parsed.status.isEquivalent(to: document.status), "\(text)")
            #expect(parsed.body == document.body)
        }
        // Only texts with line breaks (written as literal blocks) are left to libyaml.
        #expect(fast >= Self.documents().count - 3)
    }

    @Test func leavesOtherTextsToLibyaml() {
        for text in [
            "apiVersion: v1\nkind: Site\nmetadata: {name: a}\n",  // flow mapping
            "kind: Site\nmetadata:\n  name: a\n  name: b\n",  // duplicate key
            "status:\n" + (0..<40).map { "  k\($0): v\n" }.joined() + "  k3: again\n",  // duplicate key among many
            "# comment\nkind: Site\n",  // comment
            "kind: Site\nstatus:\n  message: 'single'\n",  // single quotes
            "kind: Site\nstatus:\n  message: |\n    block\n",  // block scalar
            "kind: Site\nstatus:\n  message: two\n    lines\n",  // multi-line plain
            "kind: &a Site\n",  // anchor
            "---\nkind: Site\n",  // document marker
            "kind: Site\nstatus:\n\tmessage: x\n",  // tab
            "kind: Site\nstatus:\n  message: \"unterminated\n",  // open quote
            "kind: Site\nstatus:\n  message: \"bad \\q escape\"\n",  // unknown escape
            "kind: Site\nstatus:\n  message:\n",  // null value
            (0..<200).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined() + String(repeating: " ", count: 200) + "v: 1\n",  // deep
        ] {
            #expect(StatusFileReader.read(Array(text.utf8)[...]) == nil, "\(text)")
        }
    }

    @Test func readsMappingsOfManyKeys() throws {
        let text = "kind: Site\nstatus:\n" + (0..<40).map { "  k\($0): v\($0)\n" }.joined()
        let node = try #require(StatusFileReader.read(Array(text.utf8)[...]))
        #expect(node.mapping?["status"]?.mapping?.pairs.count == 40)
        #expect(node.mapping?["status"]?.mapping?["k39"]?.string == "v39")
    }

    /// Same shape, same scalar text and style, same lines.
    static func same(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)):
            return x.string == y.string && x.style == y.style && x.line == y.line
        case (.mapping(let x), .mapping(let y)):
            return x.line == y.line && x.pairs.count == y.pairs.count && zip(x.pairs, y.pairs).allSatisfy { same($0.0.0, $0.1.0) && same($0.0.1, $0.1.1) }
        case (.sequence(let x), .sequence(let y)):
            return x.line == y.line && x.items.count == y.items.count && zip(x.items, y.items).allSatisfy { same($0, $1) }
        default:
            return false
        }
    }
}
