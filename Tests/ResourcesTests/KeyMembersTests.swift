import Resources
import TestSupport
import Testing

/// A routing key's members, held inline while there is one, must read as the set they stand for.
@Suite("Key members")
struct KeyMembersTests {
    @Test(arguments: [1, 2, 3])
    func randomInsertsAndRemovalsMatchASet(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var members = KeyMembers<String>()
        var reference: Set<String> = []
        for step in 0..<3000 {
            let name = "m\(random.next() % 4)"
            if random.next() % 2 == 0 {
                members.insert(name)
                reference.insert(name)
            } else {
                members.remove(name)
                reference.remove(name)
            }
            #expect(Set(members) == reference, "step \(step)")
            #expect(members.isEmpty == reference.isEmpty)
        }
    }
}
