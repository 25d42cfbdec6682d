/// An AccessGrant: permission for remote sites to redeem tokens for links to this site.
public struct AccessGrantSpec: Sendable, Hashable {
    public var redemptionsAllowed: Int
    public var expirationWindow: GoDuration
    /// The secret code; generated into the status when absent.
    public var code: String?
    /// The CA Secret that signs redeemed client certificates.
    public var issuer: String?
    public var settings: [String: String]

    /// The defaults Skupper v2 applies: one redemption within 15 minutes.
    public static let defaultRedemptionsAllowed = 1
    public static let defaultExpirationWindow = GoDuration(seconds: 15 * 60)

    public init(
        redemptionsAllowed: Int = defaultRedemptionsAllowed, expirationWindow: GoDuration = defaultExpirationWindow,
        code: String? = nil, issuer: String? = nil, settings: [String: String] = [:]
    ) {
        self.redemptionsAllowed = redemptionsAllowed
        self.expirationWindow = expirationWindow
        self.code = code
        self.issuer = issuer
        self.settings = settings
    }

    /// Reads the spec; the earlier draft's names (`expirationPeriod`, `secret`) are accepted as aliases.
    init(reading spec: FieldReader) throws {
        self.redemptionsAllowed = try spec.int("redemptionsAllowed") ?? Self.defaultRedemptionsAllowed
        if redemptionsAllowed < 1 { throw spec.error("redemptionsAllowed", "must be at least 1") }
        self.expirationWindow = try spec.duration("expirationWindow") ?? spec.duration("expirationPeriod") ?? Self.defaultExpirationWindow
        if expirationWindow.seconds <= 0 {
            throw spec.error(spec.has("expirationWindow") ? "expirationWindow" : "expirationPeriod", "must be longer than zero")
        }
        self.code = try spec.string("code") ?? spec.string("secret")
        self.issuer = try spec.resourceName("issuer")
        self.settings = try spec.stringMap("settings")
    }
}

extension AccessGrantSpec: KindSpec {
    public static let kind = ResourceKind.accessGrant

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        fields.add("redemptionsAllowed", self.redemptionsAllowed)
        fields.add("expirationWindow", self.expirationWindow.description)
        fields.add("code", self.code)
        fields.add("issuer", self.issuer)
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
