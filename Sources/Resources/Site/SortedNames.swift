/// Names kept in sorted order, with binary-search insert and remove, so rendering in name order needs no sort.
public struct SortedNames: Sendable, Hashable, RandomAccessCollection {
    public private(set) var names: [String] = []

    public init() {}

    public var startIndex: Int { names.startIndex }
    public var endIndex: Int { names.endIndex }
    public subscript(position: Int) -> String { names[position] }

    /// Where `name` is, or would be inserted.
    func index(of name: String) -> (index: Int, found: Bool) { Self.position(of: name, in: names) }

    /// Binary search in names sorted by `<`: where `name` is, or would be inserted.
    public static func position(of name: String, in names: [String]) -> (index: Int, found: Bool) {
        var low = 0
        var high = names.count
        while low < high {
            let middle = (low + high) / 2
            if names[middle] < name { low = middle + 1 } else { high = middle }
        }
        return (low, low < names.count && names[low] == name)
    }

    public func contains(_ name: String) -> Bool { index(of: name).found }

    /// Inserts `name` unless present; returns whether it was inserted.
    @discardableResult
    public mutating func insert(_ name: String) -> Bool {
        let (index, found) = index(of: name)
        if found { return false }
        names.insert(name, at: index)
        return true
    }

    /// Removes `removals`, then adds `additions` (those not present): one by one when they are few, else by one
    /// sort of the additions and one merge (a cold start adds tens of thousands).
    public mutating func update(adding additions: [String], removing removals: Set<String>) {
        if additions.count + removals.count < Self.mergeAbove {
            for name in removals { remove(name) }
            for name in additions { insert(name) }
            return
        }
        let kept = removals.isEmpty ? names : names.filter { !removals.contains($0) }
        let added = additions.sorted()
        var merged: [String] = []
        merged.reserveCapacity(kept.count + added.count)
        var left = 0, right = 0
        while left < kept.count || right < added.count {
            let next: String
            if right == added.count || (left < kept.count && kept[left] <= added[right]) {
                next = kept[left]
                left += 1
            } else {
                next = added[right]
                right += 1
            }
            if merged.last != next { merged.append(next) }
        }
        names = merged
    }

    /// Changes at least this many go by a merge.
    static let mergeAbove = 64

    /// Removes `name` if present; returns whether it was there.
    @discardableResult
    public mutating func remove(_ name: String) -> Bool {
        let (index, found) = index(of: name)
        if found { names.remove(at: index) }
        return found
    }
}
