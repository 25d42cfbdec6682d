import FoundationEssentials

/// A Kubernetes-style Secret: binary data by key (tls.crt, tls.key, ca.crt for TLS credentials).
public struct SecretSpec: Sendable, Hashable {
    public var type: String?
    public var data: [String: Data]

    public init(type: String? = "kubernetes.io/tls", data: [String: Data]) {
        self.type = type
        self.data = data
    }

    /// The value of a key as UTF-8 text.
    public func text(_ key: String) -> String? { data[key].flatMap { String(data: $0, encoding: .utf8) } }

    /// Reads base64 `data` and plain `stringData` (which wins on conflicts, as in Kubernetes).
    init(reading root: FieldReader) throws {
        self.type = try root.string("type")
        var data: [String: Data] = [:]
        for (key, value) in try root.stringMap("data") {
            let compact = value.filter { !$0.isWhitespace }
            guard let decoded = Data(base64Encoded: compact) else {
                throw (try root.mapping("data"))?.error(key, "is not valid base64") ?? root.error("data", "data.\(key) is not valid base64")
            }
            data[key] = decoded
        }
        let stringData = try root.stringMap("stringData")
        for (key, value) in stringData {
            data[key] = Data(value.utf8)
        }
        // TLS files that are no PEM at all refuse the whole file, so its last good contents stay in force whole.
        for (key, what) in Self.pemKeys {
            guard let value = data[key] else { continue }
            let problem = String(data: value, encoding: .utf8).map { PEMShape.problem($0, expecting: what) } ?? "is not text"
            if let problem {
                let field = stringData[key] != nil ? "stringData" : "data"
                throw (try root.mapping(field))?.error(key, problem) ?? root.error(field, "\(field).\(key) \(problem)")
            }
        }
        self.data = data
    }

    /// The TLS files a Secret may hold and the PEM blocks each must be.
    static let pemKeys = [("tls.crt", "CERTIFICATE"), ("ca.crt", "CERTIFICATE"), ("tls.key", "PRIVATE KEY")]
}

extension SecretSpec: KindSpec {
    public static let kind = ResourceKind.secret

    /// The document's body as Kubernetes writes a Secret: `type` and base64 `data`.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var body: [(YAMLNode, YAMLNode)] = []
        if let type = self.type { body.append((YAMLNode("type"), YAMLNode(type))) }
        let data = self.data.sorted { $0.key < $1.key }.map { (YAMLNode($0.key), YAMLNode($0.value.base64EncodedString())) }
        body.append((YAMLNode("data"), YAMLNode.map(data)))
        return body
    }
}
