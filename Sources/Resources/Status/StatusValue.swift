/// A value in a resource's status: what YAML can hold, keeping key order for maps.
public enum StatusValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([StatusValue])
    case map([StatusField])
}

/// One key and value in a status map, in the order written.
public struct StatusField: Sendable, Hashable {
    public var key: String
    public var value: StatusValue

    public init(_ key: String, _ value: StatusValue) {
        self.key = key
        self.value = value
    }
}

extension StatusValue {
    /// The value as a string, for strings and scalars.
    public var text: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): String(b)
        default: nil
        }
    }

    /// Looks a key up in a map value.
    public subscript(key: String) -> StatusValue? {
        guard case .map(let fields) = self else { return nil }
        return fields.first { $0.key == key }?.value
    }
}
