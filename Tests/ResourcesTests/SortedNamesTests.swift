import Resources
import TestSupport
import Testing

/// Names kept sorted must read as the sorted set they stand for, changed one by one or by a merge.
@Suite("Sorted names")
struct SortedNamesTests {
    @Test(arguments: [1, 2, 3])
    func updatesOfEverySizeMatchASortedSet(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var names = SortedNames()
        var reference: Set<String> = []
        for step in 0..<200 {
            // Batches on both sides of the merge threshold, with names already present among the additions.
            let size = Int(random.next() % 150)
            let additions = (0..<size).map { _ in "n\(random.next() % 400)" }
            let removals = Set((0..<Int(random.next() % 40)).map { _ in "n\(random.next() % 400)" }).subtracting(additions)
            names.update(adding: additions, removing: removals)
            reference.subtract(removals)
            reference.formUnion(additions)
            #expect(Array(names) == reference.sorted(), "step \(step)")
        }
    }
}
