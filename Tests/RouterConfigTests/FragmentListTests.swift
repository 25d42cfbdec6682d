import RouterEntities
import RouterRendering
import TestSupport
import Testing

/// The chunked fragment list must read as the same list a sorted dictionary joined from scratch gives.
@Suite("Fragment list")
struct FragmentListTests {
    @Test(arguments: [1, 2, 3])
    func randomChangesMatchASortedJoin(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var list = FragmentList()
        var reference: [String: String] = [:]
        for step in 0..<6000 {
            // Enough names that chunks split, and enough removals that they empty and go.
            let name = "n\(random.next() % 1500)"
            let fragment: String? = random.next() % 3 == 0 ? nil : "f\(name)-\(random.next() % 4)"
            let changed = list.set(name, fragment)
            #expect(changed == (reference[name] != fragment), "step \(step)")
            reference[name] = fragment
            if step.isMultiple(of: 97) || step == 5999 {
                list.finishChanges()
                let expected = reference.keys.sorted().map { reference[$0]! }.joined(separator: ",\n")
                #expect(list.pieces.map(\.string).joined(separator: ",\n") == expected, "step \(step)")
                #expect(list.count == reference.count)
                #expect(list.fragment(name) == reference[name])
                #expect(!list.pieces.contains { $0.utf8Count == 0 }, "no empty piece (it would read as an empty entity)")
            }
        }
    }

    @Test func fileTextFromPartsIsTheJoinedText() {
        let fragments = ["    [\"router\", {}]", "a,\nb", "    [\"site\", {}]"]
        let pieces: [TextPiece] = [.text(fragments[0]), .packed(PackedText(fragments[1])), .text(fragments[2])]
        #expect(RouterConfig.fileParts(fragments: pieces).map(\.string).joined() == RouterConfig.json(fragments: fragments))
        #expect(RouterConfig.fileParts(fragments: []).map(\.string).joined() == RouterConfig.json(fragments: []))
    }

    /// A chunk read (to compare an unchanged fragment) and one changed are both settled: the text stays right, and
    /// the unchanged one is not packed again from a stale copy.
    @Test func readingWithoutChangingKeepsTheText() {
        var list = FragmentList()
        for index in 0..<600 { list.set("n\(1000 + index)", "fragment \(index) é") }
        list.finishChanges()
        let before = list.pieces.map(\.string)
        let same = list.set("n1300", "fragment 300 é")
        #expect(!same, "the same fragment again is no change")
        list.finishChanges()
        #expect(list.pieces.map(\.string) == before)
        let changed = list.set("n1300", "changed")
        #expect(changed)
        list.finishChanges()
        #expect(list.fragment("n1300") == "changed")
        #expect(list.fragment("n1299") == "fragment 299 é")
        #expect(list.pieces.map(\.string).joined(separator: ",\n").contains(",\nchanged,\n"))
    }
}
