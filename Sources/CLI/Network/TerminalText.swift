import Foundation

/// Text from the network status made safe for a terminal: control characters (C0, DEL, C1), line and paragraph
/// separators and bidirectional overrides are written as visible escapes, so no name can move the cursor or recolour.
enum TerminalText {
    /// `text` with every character a terminal would act on written as `\n`, `\x1b`, `\u{202e}`.
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                out += scalar.value <= 0xFF ? "\\x" + hex(scalar.value, digits: 2) : "\\u{" + hex(scalar.value, digits: 4) + "}"
            }
        }
        return out
    }

    /// `safe(text)`, or `-` when `text` is empty (v2's placeholder in its tables).
    static func cell(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        return safe(text)
    }

    /// Whether a terminal would act on the scalar rather than show it.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// JSON text with the characters `isUnsafe` names that JSON leaves as they are (DEL, C1 controls, separators and
    /// bidirectional overrides, all inside strings) as `\uXXXX` escapes: the same JSON, safe to print.
    static func escapingUnsafe(json: String) -> String {
        guard json.unicodeScalars.contains(where: isUnsafe) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if isUnsafe(scalar) && scalar.value >= 0x20 { out += "\\u" + hex(scalar.value, digits: 4) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
