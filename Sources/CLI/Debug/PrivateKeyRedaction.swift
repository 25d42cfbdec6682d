import Foundation

/// Takes private keys out of text bound for a debug dump: PEM private key blocks, base64 values that decode to one,
/// and the values of fields named `*.key` (a Secret's `tls.key`), in YAML and in JSON. `containsPrivateKey` is the
/// last check: a file that still fails it is left out of the dump.
enum PrivateKeyRedaction {
    /// What stands where a key was.
    static let marker = "REDACTED: private key left out of the dump"

    /// The text with every private key it holds replaced by the marker.
    static func redact(_ text: String) -> String {
        replaceBase64Keys(replaceYAMLKeyFields(replaceJSONFields(replace(pemBlock, in: text, with: marker))))
    }

    /// Whether the text still holds what looks like a private key, in PEM or base64.
    static func containsPrivateKey(_ text: String) -> Bool {
        text.contains("PRIVATE KEY-----") || base64Signatures.contains { text.contains($0) }
    }

    // swiftlint:disable force_try
    /// `-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----`, across lines (or JSON's `\n` escapes).
    static let pemBlock = try! NSRegularExpression(pattern: #"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----"#)
    /// A JSON member with a string value (its name the second group).
    static let jsonField = try! NSRegularExpression(pattern: #"("([^"\\\n]*)"\s*:\s*)"(?:[^"\\\n]|\\.)*""#)
    /// A long run of base64 (a Secret's data value).
    static let base64Run = try! NSRegularExpression(pattern: #"[A-Za-z0-9+/]{64,}={0,2}"#)
    // swiftlint:enable force_try

    /// "PRIVATE KEY" as it appears inside base64 at each of the three alignments (the groups wholly inside it).
    static let base64Signatures: [String] = (0..<3).map { pad in
        let bytes = [UInt8](repeating: UInt8(ascii: "-"), count: pad) + Array("PRIVATE KEY".utf8)
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        let first = (pad + 2) / 3, last = bytes.count / 3
        return String(decoding: encoded[(first * 4)..<(last * 4)], as: UTF8.self)
    }

    static func replace(_ expression: NSRegularExpression, in text: String, with template: String) -> String {
        let escaped = template == marker ? NSRegularExpression.escapedTemplate(for: marker) : template
        return expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: escaped)
    }

    /// Base64 runs that decode to a PEM private key.
    static func replaceBase64Keys(_ text: String) -> String {
        var result = text
        for match in base64Run.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let range = Range(match.range, in: result) else { continue }
            var token = String(result[range])
            while token.count % 4 != 0 { token += "=" }
            guard let decoded = Data(base64Encoded: token), decoded.range(of: Data("PRIVATE KEY".utf8)) != nil else { continue }
            result.replaceSubrange(range, with: marker)
        }
        return result
    }

    /// JSON members named `*.key` with a string value: the value replaced; with `matching` and `marker`, the members
    /// it names and by that marker, where `keepingReferences` leaves values that only name where a secret is (the
    /// router's `file:` and `env:`).
    static func replaceJSONFields(
        _ text: String, matching: (Substring) -> Bool = isKeyFile, marker: String = marker,
        keepingReferences: Bool = false, replaced: ((Substring) -> Void)? = nil
    ) -> String {
        var result = text
        for match in jsonField.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let whole = Range(match.range, in: result), let head = Range(match.range(at: 1), in: result),
                let name = Range(match.range(at: 2), in: result), matching(result[name])
            else { continue }
            let value = result[head.upperBound...].dropFirst()
            if keepingReferences && (value.hasPrefix("file:") || value.hasPrefix("env:")) { continue }
            replaced?(result[name])
            result.replaceSubrange(whole, with: result[head] + "\"\(marker)\"")
        }
        return result
    }

    /// Whether a field's name says it holds a private key: `*.key`.
    static func isKeyFile(_ name: Substring) -> Bool { name.lowercased().hasSuffix(".key") }

    /// YAML lines `<name>.key: value` (plain, quoted, or a block scalar whose lines follow): the value replaced;
    /// with `matching` and `marker`, the fields it names and by that marker.
    static func replaceYAMLKeyFields(
        _ text: String, matching: (Substring) -> Bool = isKeyFile, marker: String = marker,
        replaced: ((Substring) -> Void)? = nil
    ) -> String {
        var lines: [String] = []
        var skipDeeperThan: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            if let limit = skipDeeperThan {
                if indent > limit || line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
                skipDeeperThan = nil
            }
            guard let (key, head, value) = keyField(line, matching: matching) else {
                lines.append(String(line))
                continue
            }
            replaced?(key)
            let quoted = "\"\(marker)\""
            let trimmed = value.drop { $0 == " " || $0 == "\t" }
            if let quote = trimmed.first, quote == "\"" || quote == "'" {
                // Keep what follows the quoted value (a JSON comma).
                var index = trimmed.index(after: trimmed.startIndex)
                while index < trimmed.endIndex, trimmed[index] != quote {
                    if trimmed[index] == "\\" && quote == "\"" { index = trimmed.index(after: index) }
                    if index < trimmed.endIndex { index = trimmed.index(after: index) }
                }
                let rest = index < trimmed.endIndex ? trimmed[trimmed.index(after: index)...] : ""
                lines.append(head + " " + quoted + rest)
            } else {
                if trimmed.isEmpty || trimmed.hasPrefix("|") || trimmed.hasPrefix(">") { skipDeeperThan = indent }
                lines.append(head + " " + quoted)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A line's key, the line up to its colon and what follows it, when `matching` the key (quoted or not, maybe a list
    /// item).
    static func keyField(_ line: Substring, matching: (Substring) -> Bool) -> (key: Substring, head: String, value: Substring)? {
        var index = line.firstIndex { $0 != " " } ?? line.endIndex
        if index < line.endIndex, line[index] == "-", line.index(after: index) < line.endIndex, line[line.index(after: index)] == " " {
            index = line[line.index(after: index)...].firstIndex { $0 != " " } ?? line.endIndex
        }
        guard index < line.endIndex else { return nil }
        let key: Substring
        var colon: Substring.Index
        if line[index] == "\"" || line[index] == "'" {
            let quote = line[index]
            let start = line.index(after: index)
            guard let end = line[start...].firstIndex(of: quote) else { return nil }
            key = line[start..<end]
            colon = line.index(after: end)
            while colon < line.endIndex, line[colon] == " " { colon = line.index(after: colon) }
            guard colon < line.endIndex, line[colon] == ":" else { return nil }
        } else {
            var search = index
            while true {
                guard let found = line[search...].firstIndex(of: ":") else { return nil }
                let next = line.index(after: found)
                if next == line.endIndex || line[next] == " " || line[next] == "\t" {
                    colon = found
                    break
                }
                search = next
            }
            key = line[index..<colon]
        }
        guard matching(key) else { return nil }
        let afterColon = line.index(after: colon)
        return (key, String(line[..<afterColon]), line[afterColon...])
    }
}
