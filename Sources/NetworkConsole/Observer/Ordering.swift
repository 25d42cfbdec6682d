import RouterEntities

/// Orders indices by a "comes before" rule: all of them (a sort), or only the first `count` when that is a small part
/// of them (one pass keeping the best `count` in order: a page of 100 of 10,000 connections costs a pass, not a sort).
public enum Ordering {
    public static func first(_ count: Int, of total: Int, by before: (Int, Int) -> Bool) -> [Int] {
        let wanted = max(0, min(count, total))
        guard wanted * 8 < total else { return Array(0..<total).sorted(by: before).prefix(wanted).map { $0 } }
        var best: [Int] = []
        best.reserveCapacity(wanted + 1)
        for index in 0..<total {
            if best.count == wanted, let last = best.last, !before(index, last) { continue }
            // The first place whose index `index` comes before.
            var low = 0, high = best.count
            while low < high {
                let middle = (low + high) / 2
                if before(index, best[middle]) { high = middle } else { low = middle + 1 }
            }
            best.insert(index, at: low)
            if best.count > wanted { best.removeLast() }
        }
        return best
    }
}

/// A field's value as a sort key: compared without unpacking JSON values at every comparison.
enum SortKey: Comparable, Sendable {
    case missing
    case bool(Bool)
    case number(Int)
    case text(String)

    init(_ value: JSONValue?) {
        switch value {
        case .int(let number)?: self = .number(number)
        case .string(let text)?: self = .text(text)
        case .bool(let flag)?: self = .bool(flag)
        default: self = .missing
        }
    }

    static func < (a: SortKey, b: SortKey) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y
        case (.text(let x), .text(let y)): x < y
        case (.bool(let x), .bool(let y)): !x && y
        case (.missing, .missing): false
        case (.missing, _): true
        default: false
        }
    }
}
