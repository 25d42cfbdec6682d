import RouterConfig
import Testing
import TestSupport

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
                #expect(list.pieces.joined(separator: ",\n") == expected, "step \(step)")
                #expect(list.count == reference.count)
                #expect(list.fragment(name) == reference[name])
                #expect(!list.pieces.contains(""), "no empty piece (it would read as an empty entity)")
            }
        }
    }

    @Test func fileTextFromPartsIsTheJoinedText() {
        let fragments = ["    [\"router\", {}]", "a,\nb", "    [\"site\", {}]"]
        #expect(RouterConfig.fileParts(fragments: fragments).joined() == RouterConfig.json(fragments: fragments))
        #expect(RouterConfig.fileParts(fragments: []).joined() == RouterConfig.json(fragments: []))
    }
}
