import SiteFiles

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

    /// Whether a string can be written unquoted and read back as the same string.
    static func isPlain(_ string: String) -> Bool {
        guard let first = string.unicodeScalars.first, !StatusDocument.looksTyped(string),
              first.properties.isAlphabetic || ("0"..."9").contains(first) || first == "/" else { return false }
        if string.hasSuffix(" ") || string.hasSuffix(":") || contains(string, UInt8(ascii: ":"), UInt8(ascii: " "))
            || contains(string, UInt8(ascii: " "), UInt8(ascii: "#")) { return false }
        return string.unicodeScalars.allSatisfy { scalar in
            scalar.value >= 0x20 && scalar.value < 0x7F && !"{}[],&*!|>'\"%@`#".unicodeScalars.contains(scalar)
        }
    }

    /// Whether two bytes follow each other in the text (a byte scan: Foundation's `contains` bridges to NSString).
    static func contains(_ string: String, _ first: UInt8, _ second: UInt8) -> Bool {
        var previous: UInt8 = 0
        for byte in string.utf8 {
            if previous == first && byte == second { return true }
            previous = byte
        }
        return false
    }

}
