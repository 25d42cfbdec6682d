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
