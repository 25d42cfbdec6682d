/// The members of one key of an index (a routing key's listeners or connectors). Most keys have one member, held
/// inline; a set is made only for a second: an index of thousands of keys then costs no allocation per key, and each
/// entry is no larger than its one member (with the enum's tag).
public enum KeyMembers<Element: Hashable & Sendable>: Sendable, Sequence {
    case none
    case one(Element)
    /// Two or more.
    case several(Set<Element>)

    public init() { self = .none }

    public var isEmpty: Bool {
        if case .none = self { true } else { false }
    }

    public mutating func insert(_ element: Element) {
        switch self {
        case .none: self = .one(element)
        case .one(let single): if single != element { self = .several([single, element]) }
        case .several(var set):
            self = .none
            set.insert(element)
            self = .several(set)
        }
    }

    public mutating func remove(_ element: Element) {
        switch self {
        case .none: break
        case .one(let single): if single == element { self = .none }
        case .several(var set):
            self = .none
            set.remove(element)
            self = set.count == 1 ? .one(set.first!) : .several(set)
        }
    }

    public func makeIterator() -> AnyIterator<Element> {
        switch self {
        case .none: AnyIterator { nil }
        case .one(let single): AnyIterator(CollectionOfOne(single).makeIterator())
        case .several(let set): AnyIterator(set.makeIterator())
        }
    }
}
