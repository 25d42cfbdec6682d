/// An AccessToken: a grant's URL, CA and code, redeemable here for a link to the granting site.
public struct AccessTokenSpec: Sendable, Hashable {
    public var url: String
    /// PEM of the CA that signed the redemption service's certificate.
    public var ca: String
    public var code: String
    /// Name for the Link created on redemption (default: the token's name).
    public var linkName: String?
    /// Cost given to the Link created on redemption (Skupper v2's token files carry `linkCost`).
    public var linkCost: Int?
    public var settings: [String: String]

    public init(url: String, ca: String, code: String, linkName: String? = nil, linkCost: Int? = nil, settings: [String: String] = [:]) {
        self.url = url
        self.ca = ca
        self.code = code
        self.linkName = linkName
        self.linkCost = linkCost
        self.settings = settings
    }

    init(reading spec: FieldReader) throws {
        self.url = try spec.requiredString("url")
        guard url.hasPrefix("https://") else { throw spec.error("url", "must be an https:// URL, found \"\(url)\"") }
        self.ca = try spec.requiredString("ca")
        guard ca.contains("-----BEGIN CERTIFICATE-----") else { throw spec.error("ca", "must hold a PEM certificate") }
        self.code = try spec.requiredString("code")
        self.linkName = try spec.string("linkName").flatMap { $0.isEmpty ? nil : $0 }
        if let linkName, !ObjectMeta.isValidLabel(linkName) { throw spec.error("linkName", ObjectMeta.labelError(linkName)) }
        self.linkCost = try spec.int("linkCost")
        if let linkCost, linkCost < 1 { throw spec.error("linkCost", "must be at least 1") }
        self.settings = try spec.stringMap("settings")
    }
}

extension AccessTokenSpec: KindSpec {
    public static let kind = ResourceKind.accessToken

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        fields.add("url", self.url)
        fields.add("code", self.code)
        fields.add("ca", YAMLNode(self.ca, style: .literal))
        if let cost = self.linkCost { fields.add("linkCost", cost) }
        fields.add("linkName", self.linkName)
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
