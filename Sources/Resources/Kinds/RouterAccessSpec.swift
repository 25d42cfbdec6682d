/// A RouterAccess: the listeners through which remote sites link to this site's router.
public struct RouterAccessSpec: Sendable, Hashable {
    /// A role ("inter-router" or "edge") and the port it listens on (Skupper v2's defaults: 55671 for inter-router,
    /// 45671 for edge).
    public struct Role: Sendable, Hashable {
        public var name: String
        public var port: Int

        public init(name: String, port: Int) {
            self.name = name
            self.port = port
        }
    }

    public var roles: [Role]
    /// The Secret holding the server certificate; nil means the RouterAccess's own name, as in Skupper v2.
    public var tlsCredentials: String?
    /// The CA Secret that signs the generated server certificate.
    public var issuer: String?
    public var accessType: String?
    public var generateTlsCredentials: Bool
    /// The address the router binds; default all interfaces.
    public var bindHost: String?
    public var subjectAlternativeNames: [String]
    /// Free-form settings (Skupper v2 calls the field `settings`; `options` is read as an alias).
    public var settings: [String: String]

    public init(
        roles: [Role], tlsCredentials: String? = nil, issuer: String? = nil, accessType: String? = nil,
        generateTlsCredentials: Bool = true, bindHost: String? = nil, subjectAlternativeNames: [String] = [],
        settings: [String: String] = [:]
    ) {
        self.roles = roles
        self.tlsCredentials = tlsCredentials
        self.issuer = issuer
        self.accessType = accessType
        self.generateTlsCredentials = generateTlsCredentials
        self.bindHost = bindHost
        self.subjectAlternativeNames = subjectAlternativeNames
        self.settings = settings
    }

    /// The port a role listens on when the RouterAccess does not say.
    public static func defaultPort(role: String) -> Int { role == RouterMode.edgeRole ? 45671 : 55671 }

    static let knownRoles: Set<String> = [RouterMode.interRouterRole, RouterMode.edgeRole]

    init(reading spec: FieldReader) throws {
        self.roles = try spec.mappings("roles").map { role in
            let name = try role.string("name") ?? "inter-router"
            guard Self.knownRoles.contains(name) else {
                throw role.error("name", "unknown role \"\(name)\" (expected inter-router or edge)")
            }
            return Role(name: name, port: try role.port("port", required: false) ?? Self.defaultPort(role: name))
        }
        if roles.isEmpty { throw spec.error("roles", "at least one role is required") }
        let ports = roles.map(\.port)
        if Set(ports).count != ports.count { throw spec.error("roles", "two roles use the same port") }
        self.tlsCredentials = try spec.resourceName("tlsCredentials")
        self.issuer = try spec.resourceName("issuer")
        self.accessType = try spec.string("accessType")
        self.generateTlsCredentials = try spec.bool("generateTlsCredentials") ?? true
        self.bindHost = try spec.string("bindHost")
        self.subjectAlternativeNames = try spec.strings("subjectAlternativeNames")
        self.settings = try spec.has("settings") ? spec.stringMap("settings") : spec.stringMap("options")
    }
}

extension RouterAccessSpec: KindSpec {
    public static let kind = ResourceKind.routerAccess

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        let roles = self.roles.map { role -> YAMLNode in YAMLNode.map([(YAMLNode("name"), YAMLNode(role.name)), (YAMLNode("port"), .int(role.port))]) }
        fields.add("roles", YAMLNode.list(roles))
        fields.add("tlsCredentials", self.tlsCredentials)
        fields.add("issuer", self.issuer)
        fields.add("accessType", self.accessType)
        fields.add("generateTlsCredentials", self.generateTlsCredentials, unless: true)
        fields.add("bindHost", self.bindHost)
        if !self.subjectAlternativeNames.isEmpty { fields.add("subjectAlternativeNames", YAMLNode.list(self.subjectAlternativeNames.map { YAMLNode($0) })) }
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
