import TextSupport

/// Writes status documents as block YAML directly. Status files are written for every resource on every
/// start, and the general emitter's per-scalar tag resolution dominated start-up; this writer handles only
/// the shapes a status has (maps, lists, strings, integers, booleans) and quotes every string that could
/// read back as anything else.
struct StatusYAMLWriter {
    private(set) var text = ""

    /// Appends `key: value` at the given indentation.
    mutating func field(_ key: String, _ value: StatusValue, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .map(let fields) where !fields.isEmpty:
            text += "\(pad)\(key):\n"
            for field in fields { self.field(field.key, field.value, indent: indent + 2) }
        case .list(let items) where !items.isEmpty:
            text += "\(pad)\(key):\n"
            for item in items { listItem(item, indent: indent) }
        default:
            text += "\(pad)\(key): "
            scalar(value, indent: indent)
        }
    }

    /// Appends `- item` at the given indentation.
    mutating func listItem(_ value: StatusValue, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .map(let fields) where !fields.isEmpty:
            for (index, field) in fields.enumerated() {
                if index == 0 {
                    text += "\(pad)- "
                    var nested = StatusYAMLWriter()
                    nested.field(field.key, field.value, indent: indent + 2)
                    text += nested.text.dropFirst(indent + 2)
                } else {
                    self.field(field.key, field.value, indent: indent + 2)
                }
            }
        default:
            text += "\(pad)- "
            scalar(value, indent: indent)
        }
    }

    mutating func scalar(_ value: StatusValue, indent: Int) {
        switch value {
        case .int(let number): text += "\(number)\n"
        case .bool(let flag): text += flag ? "true\n" : "false\n"
        case .list: text += "[]\n"
        case .map: text += "{}\n"
        case .string(let string):
            if string.utf8.contains(UInt8(ascii: "\n")), !string.hasPrefix(" "), string.unicodeScalars.allSatisfy({ $0 == "\n" || $0.value >= 0x20 }) {
                let body = string.hasSuffix("\n") ? String(string.dropLast()) : string
                text += string.hasSuffix("\n") ? "|\n" : "|-\n"
                let pad = String(repeating: " ", count: indent + 2)
                for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                    text += line.isEmpty ? "\n" : "\(pad)\(line)\n"
                }
            } else if Self.isPlain(string) {
                text += "\(string)\n"
            } else {
                text += QuotedText.quoted(string, .yaml) + "\n"
            }
        }
    }

    /// Whether a string can be written unquoted and read back as the same string: printable ASCII beginning with a
    /// letter, a digit or `/`, none of YAML's indicators, no `: ` or ` #`, no trailing space or colon, nothing typed.
    static func isPlain(_ string: String) -> Bool {
        let bytes = string.utf8
        guard let first = bytes.first, isLetterOrDigit(first) || first == UInt8(ascii: "/"),
            bytes.last != UInt8(ascii: " "), bytes.last != UInt8(ascii: ":")
        else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            guard byte >= 0x20, byte < 0x7F, !isIndicator(byte) else { return false }
            if previous == UInt8(ascii: ":") && byte == UInt8(ascii: " ") { return false }
            previous = byte
        }
        return !StatusDocument.looksTyped(string)
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
    }

    /// `{}[],&*!|>'"%@` and `#` (a `#` anywhere is left quoted, not only after a space).
    private static func isIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: "&"),
            UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""),
            UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "#"):
            return true
        default:
            return false
        }
    }
}
