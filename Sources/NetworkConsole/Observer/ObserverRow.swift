import RouterEntities
import Synchronization

/// One record of the observer API as it is written: its fields in the order of network-observer's OpenAPI schema,
/// looked up by name for the query's filters and sort, and its JSON text, made once however often it is served.
final class ObserverRow: Sendable {
    let fields: [(String, JSONValue)]
    /// The base record's fields, read once (every query filters on the times, every lookup of one is by identity).
    let identity: String
    /// 0 when unknown, or not ended.
    let startTime: Int
    let endTime: Int
    private let cachedText = Mutex<String?>(nil)

    init(_ fields: [(String, JSONValue)]) {
        self.fields = fields
        func field(_ name: String) -> JSONValue? { fields.first { $0.0 == name }?.1 }
        if case .string(let id)? = field("identity") { identity = id } else { identity = "" }
        startTime = field("startTime")?.intValue ?? 0
        endTime = field("endTime")?.intValue ?? 0
    }

    subscript(name: String) -> JSONValue? { fields.first { $0.0 == name }?.1 }

    /// A field found where the rows of its collection keep it (`position`), else by name.
    func value(_ name: String, at position: Int?) -> JSONValue? {
        if let position, position < fields.count, fields[position].0 == name { return fields[position].1 }
        return self[name]
    }

    var json: JSONValue { .object(fields) }

    /// The record's JSON (compact).
    var text: String {
        if let text = cachedText.withLock({ $0 }) { return text }
        let text = json.compact()
        cachedText.withLock { $0 = text }
        return text
    }

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
