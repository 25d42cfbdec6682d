/// A Link: an outgoing connection from this site's router to a remote site's router access.
public struct LinkSpec: Sendable, Hashable {
    /// One endpoint of the remote site (role name "inter-router" or "edge").
    public struct Endpoint: Sendable, Hashable {
        public var name: String
        public var host: String
        public var port: String
        public var group: String?

        public init(name: String, host: String, port: String, group: String? = nil) {
            self.name = name
            self.host = host
            self.port = port
            self.group = group
        }
    }

    public var endpoints: [Endpoint]
    /// The Secret with the client certificate, key and remote CA.
    public var tlsCredentials: String?
    public var cost: Int
    public var noClientAuth: Bool
    public var settings: [String: String]

    public init(endpoints: [Endpoint], tlsCredentials: String? = nil, cost: Int = 1, noClientAuth: Bool = false, settings: [String: String] = [:]) {
        self.endpoints = endpoints
        self.tlsCredentials = tlsCredentials
        self.cost = cost
        self.noClientAuth = noClientAuth
        self.settings = settings
    }

    /// The endpoint for a role ("inter-router" or "edge").
    public func endpoint(role: String) -> Endpoint? { endpoints.first { $0.name == role } }

    init(reading spec: FieldReader) throws {
        self.endpoints = try spec.mappings("endpoints").map { endpoint in
            let port = try endpoint.string("port") ?? ""
            guard let number = Int(port), (1...65535).contains(number) else {
                throw endpoint.error("port", port.isEmpty ? "is required" : "invalid port \"\(port)\"")
            }
            return Endpoint(
                name: try endpoint.requiredString("name"), host: try endpoint.requiredString("host"),
                port: port, group: try endpoint.string("group"))
        }
        if endpoints.isEmpty { throw spec.error("endpoints", "at least one endpoint is required") }
        self.tlsCredentials = try spec.resourceName("tlsCredentials")
        self.cost = try spec.int("cost") ?? 1
        if cost < 0 { throw spec.error("cost", "must not be negative") }
        self.noClientAuth = try spec.bool("noClientAuth") ?? false
        self.settings = try spec.stringMap("settings")
    }
}

extension LinkSpec: KindSpec {
    public static let kind = ResourceKind.link

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        let endpoints = self.endpoints.map { endpoint -> YAMLNode in
            var e = ResourceEncoder.Fields()
            e.add("name", endpoint.name)
            e.add("host", endpoint.host)
            e.add("port", YAMLNode(endpoint.port, style: .doubleQuoted))
            e.add("group", endpoint.group)
            return .map(e.pairs)
        }
        fields.add("endpoints", YAMLNode.list(endpoints))
        fields.add("tlsCredentials", self.tlsCredentials)
        fields.add("cost", self.cost, unless: 1)
        fields.add("noClientAuth", self.noClientAuth, unless: false)
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
