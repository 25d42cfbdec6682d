import CProton

/// An AMQP 1.0 value as management requests and answers carry them (strings, numbers, lists, maps), read from and
/// written to Proton's `pn_data_t`.
public indirect enum AMQPValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case symbol(String)
    case binary([UInt8])
    case list([AMQPValue])
    case map([AMQPValue: AMQPValue])

    /// The value as text: strings and symbols as they are, numbers and booleans spelled out, else nil.
    public var text: String? {
        switch self {
        case .string(let s), .symbol(let s): s
        case .int(let i): String(i)
        case .uint(let u): String(u)
        case .bool(let b): String(b)
        case .double(let d): String(d)
        default: nil
        }
    }

    /// A list's items, else nil.
    public var items: [AMQPValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    /// The value under a string key of a map (keys may be strings or symbols).
    public subscript(key: String) -> AMQPValue? {
        guard case .map(let map) = self else { return nil }
        return map[.string(key)] ?? map[.symbol(key)]
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let map): "{" + map.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ") + "}"
        case .binary(let bytes): "<\(bytes.count) bytes>"
        default: text ?? "?"
        }
    }

    // MARK: - pn_data_t

    /// Appends the value at the data's current position.
    func put(into data: OpaquePointer) {
        switch self {
        case .null: pn_data_put_null(data)
        case .bool(let b): pn_data_put_bool(data, b)
        case .int(let i): pn_data_put_long(data, i)
        case .uint(let u): pn_data_put_ulong(data, u)
        case .double(let d): pn_data_put_double(data, d)
        case .string(let s): Self.withBytes(s) { pn_data_put_string(data, $0) }
        case .symbol(let s): Self.withBytes(s) { pn_data_put_symbol(data, $0) }
        case .binary(let bytes):
            _ = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    pn_data_put_binary(data, pn_bytes(chars.count, chars.baseAddress))
                }
            }
        case .list(let items):
            pn_data_put_list(data)
            pn_data_enter(data)
            for item in items { item.put(into: data) }
            pn_data_exit(data)
        case .map(let map):
            pn_data_put_map(data)
            pn_data_enter(data)
            // Sorted so that the same map always encodes the same way.
            for (key, value) in map.sorted(by: { $0.key.description < $1.key.description }) {
                key.put(into: data)
                value.put(into: data)
            }
            pn_data_exit(data)
        }
    }

    private static func withBytes(_ text: String, _ body: (pn_bytes_t) -> Void) {
        var text = text
        text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in body(pn_bytes(chars.count, chars.baseAddress)) }
        }
    }

    /// How deep lists and maps are read: deeper ones (no router sends them) read as null, so a hostile message
    /// cannot exhaust the stack.
    static let maximumDepth = 32

    /// Reads the value at the data's current node (after `pn_data_next`).
    static func read(from data: OpaquePointer, depth: Int = 0) -> AMQPValue {
        switch pn_data_type(data) {
        case PN_NULL: return .null
        case PN_BOOL: return .bool(pn_data_get_bool(data))
        case PN_UBYTE: return .uint(UInt64(pn_data_get_ubyte(data)))
        case PN_BYTE: return .int(Int64(pn_data_get_byte(data)))
        case PN_USHORT: return .uint(UInt64(pn_data_get_ushort(data)))
        case PN_SHORT: return .int(Int64(pn_data_get_short(data)))
        case PN_UINT: return .uint(UInt64(pn_data_get_uint(data)))
        case PN_INT: return .int(Int64(pn_data_get_int(data)))
        case PN_CHAR: return .uint(UInt64(pn_data_get_char(data)))
        case PN_ULONG: return .uint(pn_data_get_ulong(data))
        case PN_LONG: return .int(pn_data_get_long(data))
        case PN_TIMESTAMP: return .int(pn_data_get_timestamp(data))
        case PN_FLOAT: return .double(Double(pn_data_get_float(data)))
        case PN_DOUBLE: return .double(pn_data_get_double(data))
        case PN_STRING: return .string(text(pn_data_get_string(data)))
        case PN_SYMBOL: return .symbol(text(pn_data_get_symbol(data)))
        case PN_BINARY:
            let bytes = pn_data_get_binary(data)
            guard let start = bytes.start, bytes.size > 0 else { return .binary([]) }
            return .binary(Array(UnsafeRawBufferPointer(start: start, count: bytes.size)))
        case PN_LIST, PN_ARRAY:
            guard depth < maximumDepth else { return .null }
            var items: [AMQPValue] = []
            pn_data_enter(data)
            while pn_data_next(data) { items.append(read(from: data, depth: depth + 1)) }
            pn_data_exit(data)
            return .list(items)
        case PN_MAP:
            guard depth < maximumDepth else { return .null }
            var map: [AMQPValue: AMQPValue] = [:]
            pn_data_enter(data)
            while pn_data_next(data) {
                let key = read(from: data, depth: depth + 1)
                guard pn_data_next(data) else { break }
                map[key] = read(from: data, depth: depth + 1)
            }
            pn_data_exit(data)
            return .map(map)
        case PN_DESCRIBED:
            guard depth < maximumDepth else { return .null }
            // The described value stands for itself (the descriptor says what it is).
            pn_data_enter(data)
            _ = pn_data_next(data)
            let value = pn_data_next(data) ? read(from: data, depth: depth + 1) : .null
            pn_data_exit(data)
            return value
        default:
            return .null
        }
    }

    static func text(_ bytes: pn_bytes_t) -> String {
        guard let start = bytes.start, bytes.size > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: bytes.size), as: UTF8.self)
    }

    /// The value AMQP-encoded in `bytes` (as a message body carries it); nil when they are not one.
    public static func decode(_ bytes: [UInt8]) -> AMQPValue? {
        guard let data = pn_data(16) else { return nil }
        defer { pn_data_free(data) }
        let consumed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { pn_data_decode(data, $0.baseAddress, $0.count) }
        }
        guard consumed > 0 else { return nil }
        return whole(data)
    }

    /// The value AMQP-encoded (the bytes `decode` reads).
    public func encoded() -> [UInt8] {
        guard let data = pn_data(16) else { return [] }
        defer { pn_data_free(data) }
        put(into: data)
        var size = 4096
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let written = pn_data_encode(data, &buffer, buffer.count)
            if written >= 0 { return buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) } }
            guard written == PN_OVERFLOW, size < 1 << 28 else { return [] }
            size *= 2
        }
    }

    /// The whole of a `pn_data_t` (one value), read from its start.
    static func whole(_ data: OpaquePointer) -> AMQPValue {
        pn_data_rewind(data)
        guard pn_data_next(data) else { return .null }
        return read(from: data)
    }
}

extension AMQPValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
