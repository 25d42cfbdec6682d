import Yams

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
    public func encodedBody() -> [(Node, Node)] {
        var body: [(Node, Node)] = []
        var context: [(Node, Node)] = []
        if let tenant = self.tenant { context.append((Node("tenant"), Node(tenant))) }
        if let group = self.group { context.append((Node("group"), Node(group))) }
        if !context.isEmpty { body.append((Node("context"), .mapping(.init(context)))) }
        if self.expirationWindow != AccessGrantSpec.defaultExpirationWindow {
            body.append((Node("spec"), .mapping(.init([(Node("expirationWindow"), Node(self.expirationWindow.description))]))))
        }
        return body
    }
}
