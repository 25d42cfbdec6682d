import RouterEntities
import Testing

@testable import NetworkConsole

/// A page of a few of many rows is the same whether the rows were sorted or only the best of them kept.
@Suite struct OrderingTests {
    @Test(arguments: [0, 1, 5, 100, 1_000])
    func theFirstFewAreThoseASortGives(count: Int) {
        var generator = SystemRandomNumberGenerator()
        for total in [0, 1, 9, 10_000] {
            // Few distinct values: ties are many, and broken by index as a sort's are.
            let values = (0..<total).map { _ in Int.random(in: 0..<50, using: &generator) }
            let before = { (a: Int, b: Int) in values[a] == values[b] ? a < b : values[a] > values[b] }
            let sorted = Array((0..<total).sorted(by: before).prefix(count))
            #expect(Ordering.first(count, of: total, by: before) == sorted, "\(count) of \(total)")
        }
    }

    @Test func keysOrderAsTheObserverOrdersFields() {
        #expect(SortKey(nil) < SortKey(.int(0)))
        #expect(SortKey(.null) < SortKey(.string("")))
        #expect(SortKey(.int(2)) < SortKey(.int(10)))
        #expect(SortKey(.string("b")) > SortKey(.string("a")))
        #expect(SortKey(.bool(false)) < SortKey(.bool(true)))
    }
}
