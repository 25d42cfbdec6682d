/// The members of one key of an index (a routing key's listeners or connectors). Most keys have one member, held
/// inline; a set is made only for a second: an index of thousands of keys then costs no allocation per key.
public struct KeyMembers<Element: Hashable & Sendable>: Sendable, Sequence {
    /// The only member, when there is exactly one.
    private var single: Element?
    /// The members, when there are two or more.
    private var several: Set<Element> = []

    public init() {}

    public var isEmpty: Bool { single == nil && several.isEmpty }

    public mutating func insert(_ element: Element) {
        if let single {
            guard single != element else { return }
            several = [single, element]
            self.single = nil
        } else if several.isEmpty {
            single = element
        } else {
            several.insert(element)
        }
    }

    public mutating func remove(_ element: Element) {
        if single == element {
            single = nil
        } else if several.remove(element) != nil, several.count == 1 {
            single = several.first
            several = []
        }
    }

    public func makeIterator() -> AnyIterator<Element> {
        if let single { return AnyIterator(CollectionOfOne(single).makeIterator()) }
        return AnyIterator(several.makeIterator())
    }
}
