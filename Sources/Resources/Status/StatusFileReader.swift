/// Reads the YAML the agent writes in status files (`StatusYAMLWriter`: block mappings and lists indented by two,
/// plain scalars that mean only themselves, double-quoted scalars with the agent's escapes) without libyaml: a restart
/// reads thousands of these files. Anything else (a file Skupper v2 wrote, a hand edit) makes it answer nil, and the
/// caller reads the text with `YAMLReader`, so what it accepts it reads as libyaml would.
enum StatusFileReader {
    /// The document, or nil when the text is not in the agent's own shape.
    static func read(_ bytes: ArraySlice<UInt8>) -> YAMLNode? {
        var lines: [Line] = []
        var start = bytes.startIndex
        var number = 1
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            var indent = start
            while indent < end, bytes[indent] == UInt8(ascii: " ") { indent += 1 }
            if indent < end { lines.append(Line(number: number, indent: indent - start, text: bytes[indent..<end])) }
            start = end + 1
            number += 1
        }
        var cursor = 0
        guard let node = mapping(lines, &cursor, indent: 0, depth: 1), cursor == lines.count else { return nil }
        return node
    }

    struct Line {
        var number: Int
        var indent: Int
        /// The line without its indentation; never empty.
        var text: ArraySlice<UInt8>
    }

    /// Nesting deeper than this is left to libyaml (and its bounds): the agent writes a few levels at most.
    static let maximumDepth = 16

    /// A block mapping whose keys stand at `indent`.
    private static func mapping(
        _ lines: [Line], _ cursor: inout Int, indent: Int, depth: Int,
        first: (key: String, rest: ArraySlice<UInt8>, line: Int)? = nil
    ) -> YAMLNode? {
        guard depth <= maximumDepth else { return nil }
        var pairs: [(YAMLNode, YAMLNode)] = []
        var keys = KeysSeen()
        let startLine = first?.line ?? (cursor < lines.count ? lines[cursor].number : 1)
        var pending = first
        while true {
            let key: String, rest: ArraySlice<UInt8>, lineNumber: Int
            if let entry = pending {
                (key, rest, lineNumber) = entry
                pending = nil
            } else {
                guard cursor < lines.count, lines[cursor].indent == indent, lines[cursor].text.first != UInt8(ascii: "-") else { break }
                guard let split = keyValue(lines[cursor].text) else { return nil }
                (key, rest, lineNumber) = (split.key, split.rest, lines[cursor].number)
                cursor += 1
            }
            guard keys.insert(key) else { return nil }
            let value: YAMLNode
            if rest.isEmpty {
                // A nested mapping (deeper), or a list (at the same indentation or deeper).
                guard cursor < lines.count else { return nil }
                let next = lines[cursor]
                if next.text.first == UInt8(ascii: "-"), next.indent >= indent {
                    guard let list = sequence(lines, &cursor, indent: next.indent, depth: depth + 1) else { return nil }
                    value = list
                } else if next.indent > indent {
                    guard let nested = mapping(lines, &cursor, indent: next.indent, depth: depth + 1) else { return nil }
                    value = nested
                } else {
                    return nil
                }
            } else {
                guard let scalar = scalar(rest, line: lineNumber) else { return nil }
                value = scalar
            }
            pairs.append((.scalar(.init(key, line: lineNumber)), value))
        }
        return pairs.isEmpty ? nil : .mapping(.init(pairs, line: startLine))
    }

    /// The keys of one mapping so far, to refuse a repeated one: a status's mappings have a handful of keys, compared
    /// one by one (hashing each was a fifth of reading a status file); past `listed` they go into a set.
    private struct KeysSeen {
        static let listed = 16
        private var list: [String] = []
        private var set: Set<String>?

        /// Adds `key`; false when it was there already.
        mutating func insert(_ key: String) -> Bool {
            if set != nil { return set!.insert(key).inserted }
            if list.contains(key) { return false }
            list.append(key)
            if list.count > Self.listed {
                set = Set(list)
                list = []
            }
            return true
        }
    }

    /// A block list whose `- ` stand at `indent`.
    private static func sequence(_ lines: [Line], _ cursor: inout Int, indent: Int, depth: Int) -> YAMLNode? {
        guard depth <= maximumDepth else { return nil }
        var items: [YAMLNode] = []
        let startLine = lines[cursor].number
        while cursor < lines.count, lines[cursor].indent == indent, lines[cursor].text.first == UInt8(ascii: "-") {
            let line = lines[cursor]
            guard line.text.count > 2, line.text[line.text.startIndex + 1] == UInt8(ascii: " ") else { return nil }
            let item = line.text.dropFirst(2)
            cursor += 1
            if let split = keyValue(item) {
                // A mapping whose first key follows the dash; the others stand two further in.
                guard let nested = mapping(lines, &cursor, indent: indent + 2, depth: depth + 1, first: (split.key, split.rest, line.number)) else {
                    return nil
                }
                items.append(nested)
            } else {
                guard let scalar = scalar(item, line: line.number) else { return nil }
                items.append(scalar)
            }
        }
        return .sequence(.init(items, line: startLine))
    }

    /// `key:` or `key: value`, with a key of letters, digits, `-`, `_`, `.` and `/`.
    private static func keyValue(_ text: ArraySlice<UInt8>) -> (key: String, rest: ArraySlice<UInt8>)? {
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")), colon > text.startIndex,
            text[..<colon].allSatisfy(isKeyByte)
        else { return nil }
        let after = text[(colon + 1)...]
        if after.isEmpty { return (String(decoding: text[..<colon], as: UTF8.self), after) }
        guard after.first == UInt8(ascii: " "), after.count > 1 else { return nil }
        return (String(decoding: text[..<colon], as: UTF8.self), after.dropFirst())
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
    }

    /// A plain scalar that means only its text, a double-quoted one, or an empty collection; nil for anything else.
    private static func scalar(_ text: ArraySlice<UInt8>, line: Int) -> YAMLNode? {
        if text.elementsEqual("[]".utf8) { return .sequence(.init(line: line)) }
        if text.elementsEqual("{}".utf8) { return .mapping(.init(line: line)) }
        if text.first == UInt8(ascii: "\"") { return doubleQuoted(text, line: line) }
        // Plain: no indicator first, no `: ` or ` #` inside, no quote, no trailing space, printable ASCII only.
        // (A dash may begin one when a character other than a space follows it: a negative number.)
        guard let first = text.first, text.last != UInt8(ascii: " "),
            !"?:,[]{}#&*!|>'\"%@`".utf8.contains(first),
            first != UInt8(ascii: "-") || (text.count > 1 && text[text.startIndex + 1] != UInt8(ascii: " "))
        else { return nil }
        var previous: UInt8 = 0
        for byte in text {
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\t") else { return nil }
            if (previous == UInt8(ascii: ":") && byte == UInt8(ascii: " ")) || (previous == UInt8(ascii: " ") && byte == UInt8(ascii: "#")) { return nil }
            previous = byte
        }
        if text.last == UInt8(ascii: ":") { return nil }
        return .scalar(.init(String(decoding: text, as: UTF8.self), style: .plain, line: line))
    }

    /// A double-quoted scalar on one line with `QuotedText`'s escapes.
    private static func doubleQuoted(_ text: ArraySlice<UInt8>, line: Int) -> YAMLNode? {
        guard text.count >= 2, text.last == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = text.startIndex + 1
        let end = text.endIndex - 1
        while index < end {
            let byte = text[index]
            if byte == UInt8(ascii: "\"") { return nil }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < end else { return nil }
            let escape = text[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "L"): out += Array("\u{2028}".utf8)
            case UInt8(ascii: "P"): out += Array("\u{2029}".utf8)
            case UInt8(ascii: "x"), UInt8(ascii: "u"):
                let digits = escape == UInt8(ascii: "x") ? 2 : 4
                guard index + digits <= end, text[index..<(index + digits)].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
                    let value = UInt32(String(decoding: text[index..<(index + digits)], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(value)
                else { return nil }
                out += Array(String(Character(scalar)).utf8)
                index += digits
            default:
                return nil
            }
        }
        return .scalar(.init(String(decoding: out, as: UTF8.self), style: .doubleQuoted, line: line))
    }
}
