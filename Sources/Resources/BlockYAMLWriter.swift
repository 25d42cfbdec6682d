import TextSupport

/// Writes a YAML node tree as block-style text without libyaml's emitter: plain scalars only where they can mean
/// nothing but themselves, double quotes otherwise. Used where one answer is written per request (a grant
/// redemption), where Yams' emitter (tag resolution by regular expressions for every scalar) was the largest cost.
public enum BlockYAMLWriter {
    /// One document (no leading `---`), ending with a newline.
    public static func document(_ node: YAMLNode) -> String {
        var out = ""
        switch node {
        case .mapping(let mapping) where !mapping.pairs.isEmpty: writeMapping(mapping, indent: 0, into: &out)
        case .sequence(let sequence) where !sequence.items.isEmpty: writeSequence(sequence, indent: 0, into: &out)
        default: out += inline(node) + "\n"
        }
        return out
    }

    /// Several documents, each starting with `---`.
    public static func stream(_ nodes: [YAMLNode]) -> String {
        nodes.map { "---\n" + document($0) }.joined()
    }

    private static func writeMapping(_ mapping: YAMLNode.Mapping, indent: Int, into out: inout String, firstLinePrefix: String? = nil) {
        var first = true
        for (key, value) in mapping.pairs {
            if first, let prefix = firstLinePrefix { out += prefix } else { out += String(repeating: " ", count: indent) }
            first = false
            out += inline(key) + ":"
            writeValue(value, indent: indent, into: &out)
        }
    }

    private static func writeSequence(_ sequence: YAMLNode.Sequence, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in sequence.items {
            switch item {
            case .mapping(let mapping) where !mapping.pairs.isEmpty:
                writeMapping(mapping, indent: indent + 2, into: &out, firstLinePrefix: pad + "- ")
            case .sequence(let inner) where !inner.items.isEmpty:
                out += pad + "-\n"
                writeSequence(inner, indent: indent + 2, into: &out)
            default:
                out += pad + "- " + inline(item) + "\n"
            }
        }
    }

    /// After `key:`: a scalar or an empty collection on the same line, a collection on the next lines.
    private static func writeValue(_ value: YAMLNode, indent: Int, into out: inout String) {
        switch value {
        case .mapping(let mapping) where !mapping.pairs.isEmpty:
            out += "\n"
            writeMapping(mapping, indent: indent + 2, into: &out)
        case .sequence(let sequence) where !sequence.items.isEmpty:
            out += "\n"
            writeSequence(sequence, indent: indent + 2, into: &out)
        default:
            out += " " + inline(value) + "\n"
        }
    }

    /// A scalar, or an empty collection, on one line.
    private static func inline(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let scalar): return scalarText(scalar)
        case .mapping: return "{}"
        case .sequence: return "[]"
        }
    }

    static func scalarText(_ scalar: YAMLNode.Scalar) -> String {
        let text = scalar.string
        if scalar.tag == YAMLNode.intTag, isInteger(text) { return text }
        if scalar.tag == YAMLNode.boolTag, text == "true" || text == "false" { return text }
        if scalar.style != .doubleQuoted && scalar.style != .singleQuoted && isPlainString(text) { return text }
        return quoted(text)
    }

    private static func isInteger(_ text: String) -> Bool {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        return !digits.isEmpty && digits.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Words YAML 1.1 or 1.2 readers take for something other than a string.
    private static let reserved: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

    /// A string that reads back as itself unquoted: a letter, then letters, digits, `.`, `_`, `/`, `-`; no reserved word.
    public static func isPlainString(_ text: String) -> Bool {
        guard let first = text.utf8.first, (first | 0x20) >= 97 && (first | 0x20) <= 122 else { return false }
        for byte in text.utf8 {
            let letter = (byte | 0x20) >= 97 && (byte | 0x20) <= 122
            let digit = byte >= 48 && byte <= 57
            guard letter || digit || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-") else {
                return false
            }
        }
        return !reserved.contains(text.lowercased())
    }

    /// A double-quoted scalar, escaped as every YAML file the agent writes (`QuotedText`).
    static func quoted(_ text: String) -> String { QuotedText.quoted(text, .yaml) }
}
