import RouterEntities
import Synchronization

/// One record of the observer API as it is written: its fields in the order of network-observer's OpenAPI schema,
/// looked up by name for the query's filters and sort, and its JSON text, made once however often it is served.
final class ObserverRow: Sendable {
    let fields: [(String, JSONValue)]
    private let cachedText = Mutex<String?>(nil)

    init(_ fields: [(String, JSONValue)]) { self.fields = fields }

    subscript(name: String) -> JSONValue? { fields.first { $0.0 == name }?.1 }

    var identity: String {
        if case .string(let id)? = self["identity"] { return id }
        return ""
    }

    var json: JSONValue { .object(fields) }

    /// The record's JSON (compact).
    var text: String {
        if let text = cachedText.withLock({ $0 }) { return text }
        let text = json.compact()
        cachedText.withLock { $0 = text }
        return text
    }

    /// The base record's times (0 when unknown or not ended).
    var startTime: Int { self["startTime"]?.intValue ?? 0 }
    var endTime: Int { self["endTime"]?.intValue ?? 0 }
}

extension JSONValue {
    /// A number's value.
    var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// A time or counter from a record (clamped into JSON's integers).
    static func number(_ value: UInt64?) -> JSONValue { .int(Int(clamping: value ?? 0)) }

    /// A text, or null where the schema allows it.
    static func text(orNull value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}
