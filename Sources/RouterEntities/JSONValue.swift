import FoundationEssentials
import TextSupport

/// A JSON value that keeps object keys in the order they were given, so rendered files are stable.
public indirect enum JSONValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Written where a field is present but has no value (the observer API's nullable fields); never read back.
    case null

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.null, .null): return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .string(let s): hasher.combine(s)
        case .int(let i): hasher.combine(i)
        case .bool(let b): hasher.combine(b)
        case .array(let a): hasher.combine(a)
        case .object(let o):
            for (k, v) in o {
                hasher.combine(k)
                hasher.combine(v)
            }
        case .null: hasher.combine(0 as UInt8)
        }
    }

    /// Serializes with 4-space indentation, as Skupper v2 writes skrouterd.json.
    public func serialized() -> String {
        var out = ""
        out.reserveCapacity(4096)
        write(to: &out, indent: 0)
        return out
    }

    /// Serializes without whitespace, as Go's `json.Marshal` writes.
    public func compact() -> String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    func writeCompact(to out: inout String) {
        switch self {
        case .string(let s): QuotedText.append(s, .goJSON, to: &out)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeCompact(to: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out += "," }
                QuotedText.append(key, .goJSON, to: &out)
                out += ":"
                value.writeCompact(to: &out)
            }
            out += "}"
        }
    }

    func write(to out: inout String, indent: Int) {
        switch self {
        case .string(let s): QuotedText.append(s, .goJSON, to: &out)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                Self.pad(indent + 4, &out)
                item.write(to: &out, indent: indent + 4)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            Self.pad(indent, &out)
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, (key, value)) in pairs.enumerated() {
                Self.pad(indent + 4, &out)
                QuotedText.append(key, .goJSON, to: &out)
                out += ": "
                value.write(to: &out, indent: indent + 4)
                out += index == pairs.count - 1 ? "\n" : ",\n"
            }
            Self.pad(indent, &out)
            out += "}"
        }
    }

    /// Indentation made once: every line of a large configuration starts with some.
    private static let pads: [String] = (0...24).map { String(repeating: " ", count: $0) }

    /// Appends `count` spaces.
    static func pad(_ count: Int, _ out: inout String) {
        out += count < pads.count ? pads[count] : String(repeating: " ", count: count)
    }
}
