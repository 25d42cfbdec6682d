import FoundationEssentials

/// JSON text read into `JSONValue`s (skrouterd.json read back, the router's metadata, an engine's progress lines):
/// object keys sorted, numbers as integers (fractions cut), nulls left out, as Foundation's JSONSerialization read them
/// for the agent before (the agent does not link Foundation).
extension JSONValue: Decodable {
    /// The value of `text`; nil when it is not JSON, or is null.
    public static func parse(_ text: some StringProtocol) -> JSONValue? { parse(bytes: text.utf8) }

    /// The value of `bytes`; nil when they are not JSON, or are null.
    public static func parse(bytes: some Sequence<UInt8>) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// An object's value for `key`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// A string's text.
    public var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !list.isAtEnd {
                if try list.decodeNil() { continue }
                items.append(try list.decode(JSONValue.self))
            }
            self = .array(items)
        } else if let object = try? decoder.container(keyedBy: Key.self) {
            var pairs: [(String, JSONValue)] = []
            for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where !(try object.decodeNil(forKey: key)) {
                pairs.append((key.stringValue, try object.decode(JSONValue.self, forKey: key)))
            }
            self = .object(pairs)
        } else {
            let value = try decoder.singleValueContainer()
            if let bool = try? value.decode(Bool.self) {
                self = .bool(bool)
            } else if let int = try? value.decode(Int.self) {
                self = .int(int)
            } else if let double = try? value.decode(Double.self) {
                guard double.isFinite, double.magnitude < 9.2e18 else {
                    throw DecodingError.dataCorruptedError(in: value, debugDescription: "a number out of range")
                }
                self = .int(Int(double))
            } else {
                self = .string(try value.decode(String.self))
            }
        }
    }
}
