/// A TokenRequest: a declarative request for a one-time token (the Kyma Application Connector's resource).
public struct TokenRequestSpec: Sendable, Hashable {
    public var tenant: String?
    public var group: String?
    /// How long the issued token stays valid; default 15m (read from spec.expirationWindow when present).
    public var expirationWindow: GoDuration

    public init(tenant: String? = nil, group: String? = nil, expirationWindow: GoDuration = AccessGrantSpec.defaultExpirationWindow) {
        self.tenant = tenant
        self.group = group
        self.expirationWindow = expirationWindow
    }

    /// Reads `context` at the document root (as the Kyma resource has it) and an optional `spec`.
    init(reading root: FieldReader) throws {
        let context = try root.mapping("context")
        self.tenant = try context?.string("tenant")
        self.group = try context?.string("group")
        self.expirationWindow = try root.mapping("spec")?.duration("expirationWindow") ?? AccessGrantSpec.defaultExpirationWindow
        if expirationWindow.seconds <= 0 { throw root.error("spec", "spec.expirationWindow must be longer than zero") }
    }
}

extension TokenRequestSpec: KindSpec {
    public static let kind = ResourceKind.tokenRequest

    /// The document's body as the Kyma controller reads it: `context` and, when not the default, `spec`.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var body: [(YAMLNode, YAMLNode)] = []
        var context: [(YAMLNode, YAMLNode)] = []
        if let tenant = self.tenant { context.append((YAMLNode("tenant"), YAMLNode(tenant))) }
        if let group = self.group { context.append((YAMLNode("group"), YAMLNode(group))) }
        if !context.isEmpty { body.append((YAMLNode("context"), YAMLNode.map(context))) }
        if self.expirationWindow != AccessGrantSpec.defaultExpirationWindow {
            body.append((YAMLNode("spec"), YAMLNode.map([(YAMLNode("expirationWindow"), YAMLNode(self.expirationWindow.description))])))
        }
        return body
    }
}
