/// The one place text is escaped for the formats the agent and CLI write: JSON (`skrouterd.json`, CLI `-o json`),
/// YAML double-quoted scalars (status files, input-errors.yaml), and excerpts of user input in messages.
public enum QuotedText {
    /// How control characters and markup are escaped.
    public enum Style: Sendable {
        /// JSON as Go's encoding/json writes it: also `<`, `>` and `&` as \u escapes (what Skupper v2's config holds).
        case goJSON
        /// Plain JSON: control characters as \u escapes.
        case json
        /// A YAML double-quoted scalar: control characters, DEL and C1 controls as \x escapes, U+2028/U+2029 as \L/\P.
        case yaml
    }

    /// `text` quoted and escaped in `style`.
    public static func quoted(_ text: String, _ style: Style) -> String {
        var out = ""
        append(text, style, to: &out)
        return out
    }

    /// Appends `text`, quoted and escaped in `style`, to `out` (no intermediate string: the router file is large).
    public static func append(_ text: String, _ style: Style, to out: inout String) {
        out += "\""
        // Most text (names, hosts, ports) needs no escape at all: appended whole, not scalar by scalar.
        if text.utf8.allSatisfy({ needsNoEscape($0, style) }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<" where style == .goJSON: out += "\\u003c"
            case ">" where style == .goJSON: out += "\\u003e"
            case "&" where style == .goJSON: out += "\\u0026"
            default:
                if style == .yaml, scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    // C1 controls too: U+0085 is a line break to YAML 1.1 readers (libyaml), which would fold it.
                    out += "\\x" + hex(scalar.value, digits: 2)
                } else if style == .yaml, scalar.value == 0x2028 || scalar.value == 0x2029 {
                    // Line and paragraph separators: line breaks to YAML 1.1 readers as well.
                    out += scalar.value == 0x2028 ? "\\L" : "\\P"
                } else if style != .yaml, scalar.value < 0x20 {
                    out += "\\u" + hex(scalar.value, digits: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Whether a byte stands for itself in `style`: printable ASCII but the quote, the backslash, and for Go's JSON `<>&`.
    private static func needsNoEscape(_ byte: UInt8, _ style: Style) -> Bool {
        guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else { return false }
        return style != .goJSON || (byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "&"))
    }

    /// A value from user input as it appears in a message: quoted, its first line only, at most 60 characters, so
    /// an error never echoes a whole file (or the target of a link) back.
    public static func excerpt(_ text: String) -> String {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" }
        return "\"\(firstLine.prefix(60))\"" + (firstLine.count < text.count ? " (first line)" : "")
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - hex.count)) + hex
    }
}
