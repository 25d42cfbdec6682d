import Foundation
import Yams

/// Takes secrets other than private keys out of text bound for a debug dump (`PrivateKeyRedaction` takes the keys):
/// grant and token codes, passwords, Secret data, and anything under a field named like a secret, in YAML and JSON;
/// and, wherever else they appear (a log line, a status message, a journal entry), the values themselves, plain and
/// in base64, once `learn` has found them in the namespace's files.
struct SecretRedaction {
    /// What stands where a secret was.
    static let marker = "REDACTED: secret left out of the dump"

    /// Values known to be secret, longest first (so a value inside another is not cut out of it first).
    private(set) var values: [String] = []
    private var known: Set<String> = []

    /// The shortest value masked wherever it appears: shorter ones ("true", a port) would mask what is not secret.
    static let shortestValue = 6

    /// Whether a field's name says it holds a secret: a code, a token, a password, a secret, an API key.
    static func isSecretName(_ name: Substring) -> Bool {
        let lowered = name.lowercased()
        return ["code", "token", "secret", "apikey", "api-key", "api_key", "bearer"].contains(lowered) || lowered.contains("password")
            || lowered.contains("passwd") || lowered.hasSuffix("secret") || lowered.hasSuffix("-token") || lowered.hasSuffix("_token")
            || lowered.hasSuffix("accesstoken")
    }

    /// Secret data that is public all the same: a Secret's certificates (its key is the private key redaction's).
    static let publicSecretData: Set<String> = ["tls.crt", "ca.crt"]

    /// Adds `value` (and its base64) to the values masked wherever they appear.
    mutating func remember(_ value: String) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        // A file reference (the router's `file:`, an environment variable, a path) names where the secret is, not it.
        guard trimmed.count >= Self.shortestValue, !trimmed.hasPrefix("file:"), !trimmed.hasPrefix("env:"), !trimmed.hasPrefix("/"),
            trimmed != Self.marker, trimmed != PrivateKeyRedaction.marker
        else { return }
        for form in [trimmed, Data(trimmed.utf8).base64EncodedString()] where known.insert(form).inserted { values.append(form) }
        values.sort { $0.count > $1.count }
    }

    /// Finds the secrets a file holds: the values of secret-named fields and a Secret's data in YAML and JSON, and a
    /// password file's contents.
    mutating func learn(file name: String, text: String) {
        if name.hasSuffix("password.txt") || name.lowercased().hasSuffix(".password") {
            remember(text)
            return
        }
        if name.hasSuffix(".json") {
            if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) { learn(object, secret: false) }
            return
        }
        guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { return }
        // Bounded: a hostile file's aliases are the agent's problem; here a document that cannot be read is skipped,
        // and its secret-named fields are still masked line by line.
        guard text.utf8.count <= DumpCollector.maximumFileSize, let documents = try? Yams.load_all(yaml: text) else { return }
        for case let document? in documents {
            let isSecret = ((document as? [String: Any])?["kind"] as? String) == "Secret"
            learn(document, secret: isSecret)
        }
    }

    /// Walks a parsed value: secret-named fields' scalars, and in a Secret every `data` (base64) and `stringData` value
    /// but its certificates.
    private mutating func learn(_ value: Any, secret: Bool) {
        if let mapping = value as? [String: Any] {
            for (key, child) in mapping {
                if secret, key == "data" || key == "stringData", let data = child as? [String: Any] {
                    for (dataKey, dataValue) in data where !Self.publicSecretData.contains(dataKey) && !PrivateKeyRedaction.isKeyFile(Substring(dataKey)) {
                        guard let text = Self.scalar(dataValue) else { continue }
                        remember(text)
                        if key == "data", let decoded = Data(base64Encoded: text.filter { !$0.isWhitespace }),
                            let plain = String(data: decoded, encoding: .utf8)
                        {
                            remember(plain)
                        }
                    }
                } else if Self.isSecretName(Substring(key)), let text = Self.scalar(child) {
                    remember(text)
                } else {
                    learn(child, secret: false)
                }
            }
        } else if let list = value as? [Any] {
            for child in list { learn(child, secret: false) }
        }
    }

    private static func scalar(_ value: Any) -> String? {
        switch value {
        case let text as String: text
        case let number as Int: String(number)
        default: nil
        }
    }

    /// `text` with its secret-named fields' values and every known secret value replaced by the marker; `masked`
    /// tells what was masked (field names, and "a secret value" for each known value found elsewhere).
    func redact(_ text: String, masked: inout [String]) -> String {
        var found: [String] = []
        var result = PrivateKeyRedaction.replaceYAMLKeyFields(text, matching: Self.isSecretName, marker: Self.marker) { found.append(String($0)) }
        result = PrivateKeyRedaction.replaceJSONFields(result, matching: Self.isSecretName, marker: Self.marker, keepingReferences: true) {
            found.append(String($0))
        }
        for value in values where result.contains(value) {
            let parts = result.components(separatedBy: value)
            result = parts.joined(separator: Self.marker)
            found += Array(repeating: "a secret value", count: parts.count - 1)
        }
        masked += found
        return result
    }
}
