import Resources
import Testing
import Yams

/// The loader's YAML reader reads what Yams' composer reads (it replaced it on the loader's path), with lines, and
/// refuses what the loader must not accept.
@Suite("YAML reader")
struct YAMLReaderTests {
    /// Texts in the shapes users write: block and flow collections, every scalar style, comments, several documents,
    /// anchors and aliases, tags, empty documents and values.
    static let samples = [
        "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: l1}\nspec: {host: 127.0.0.1, port: 8080, routingKey: k1}\n",
        "---\nkind: Site\nmetadata:\n  name: west\n  labels:\n    a: 'x y'\n    b: \"tab\\tquote\\\"\"\nspec:\n  settings:\n    router-logging: debug\n---\n---\nkind: Connector\n",
        "list:\n  - a\n  - {b: 1, c: [2, 3]}\n  -\n    - nested\n  - ~\n  - null\n  - ''\n",
        "text: |\n  line one\n  line two\nfolded: >-\n  folded\n  words\nplain: multi\n  line plain\n",
        "base: &b {host: h, port: 1}\ncopy: *b\nitems: [&x one, *x, *x]\n",
        "tagged: !!int 5\nstr: !!str 7\nnul: !!null ''\nbool: !!bool true\ncustom: !thing value\n",
        "# comment only\n",
        "",
        "key: value # trailing comment\n'quoted key': 1\n? complex\n: v\n",
        "unicode: \"caf\u{e9} \\u2028 \\x85\"\nemoji: 😀\n",
        "- a\n- b\n",
        "scalar document\n",
    ]

    @Test func readsWhatYamsComposes() throws {
        for sample in Self.samples {
            let ours = try YAMLReader.documents(sample)
            let theirs = Array(try Yams.compose_all(yaml: sample, .basic))
            #expect(ours.count == theirs.count, "\(sample)")
            for (mine, yams) in zip(ours, theirs) {
                #expect(Self.same(mine, yams), "\(sample)")
            }
        }
    }

    /// Same shape, same scalar text and style, same lines.
    static func same(_ mine: YAMLNode, _ yams: Node) -> Bool {
        switch (mine, yams) {
        case (.scalar(let a), .scalar(let b)):
            return a.string == b.string && a.line == b.mark?.line
                && a.isNull == (b.tag.rawValue == Tag.Name.null.rawValue || (b.style == .plain && ["", "~", "null", "Null", "NULL"].contains(b.string)))
        case (.mapping(let a), .mapping(let b)):
            return a.line == b.mark?.line && a.pairs.count == b.count
                && zip(a.pairs, b).allSatisfy { same($0.0.0, $0.1.key) && same($0.0.1, $0.1.value) }
        case (.sequence(let a), .sequence(let b)):
            return a.line == b.mark?.line && a.items.count == b.count && zip(a.items, b).allSatisfy { same($0, $1) }
        default:
            return false
        }
    }

    func failure(_ text: String) -> YAMLReader.Failure? {
        do {
            _ = try YAMLReader.documents(text)
            return nil
        } catch { return error }
    }

    @Test func duplicateKeysAreRefusedWithTheirLine() throws {
        let duplicate = try #require(failure("a: 1\nb: 2\n\"a\": 3\n"))
        #expect(duplicate.problem.contains("duplicated key \"a\""))
        #expect(duplicate.line == 3)
        // Many keys are compared through a set: the same answer.
        let many = (0..<40).map { "k\($0): v\n" }.joined() + "k7: again\n"
        #expect(try #require(failure(many)).line == 41)
        #expect(failure("{a: 1, b: 2}\n") == nil)
    }

    @Test func depthAndSizeAreBoundedAsRead() throws {
        let deep = "x: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        let tooDeep = try #require(failure(deep))
        #expect(tooDeep.overLimit && tooDeep.problem.contains("nesting deeper than 64"))
        // An alias to a deep node counts its depth where it is used.
        let aliasDeep =
            "a: &d " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
            + "\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*d]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
        #expect(try #require(failure(aliasDeep)).overLimit)
        let reader = YAMLReader("[" + Array(repeating: "1", count: 200).joined(separator: ", ") + "]\n", maximumNodes: 100)
        do {
            _ = try reader.next()
            Issue.record("a document over the node bound was read")
        } catch {
            #expect(error.overLimit && error.problem.contains("more than 100 nodes"))
        }
    }

    @Test func syntaxErrorsAreLocated() throws {
        let unclosed = try #require(failure("a: 1\nb: [unclosed\nc: 2\n"))
        #expect(!unclosed.overLimit && unclosed.line >= 2)
        let alias = try #require(failure("a: *nowhere\n"))
        #expect(alias.problem.contains("undefined alias") && alias.line == 1)
        let control = try #require(failure("a: 1\nb: \u{1}\n"))
        #expect(control.line == 2)
        // The document an error is in.
        let reader = YAMLReader("a: 1\n---\nb: [\n")
        #expect(try reader.next() != nil)
        do {
            _ = try reader.next()
            Issue.record("a broken second document was read")
        } catch {
            #expect(error.document == 2)
        }
    }

    @Test func anchorsBelongToTheirDocument() throws {
        #expect(failure("a: &x 1\n---\nb: *x\n") != nil)
    }
}
