/// A Connector: where connections for a routing key are delivered (a host and port reachable from the router).
public struct ConnectorSpec: Sendable, Hashable {
    public var routingKey: String
    public var host: String
    public var port: Int
    /// Kubernetes pod selector; not meaningful outside Kubernetes, accepted and reported.
    public var selector: String?
    /// A Secret with the CA (and client credentials) to use towards the target over TLS.
    public var tlsCredentials: String?
    /// Present the client certificate from `tlsCredentials` to the target.
    public var useClientCert: Bool
    /// Check the target's certificate names the host (with `tlsCredentials`).
    public var verifyHostname: Bool
    public var type: String
    public var includeNotReadyPods: Bool
    public var exposePodsByName: Bool
    public var settings: [String: String]

    public init(
        routingKey: String, host: String, port: Int, selector: String? = nil, tlsCredentials: String? = nil,
        useClientCert: Bool = false, verifyHostname: Bool = false, type: String = "tcp", includeNotReadyPods: Bool = false,
        exposePodsByName: Bool = false, settings: [String: String] = [:]
    ) {
        self.routingKey = routingKey
        self.host = host
        self.port = port
        self.selector = selector
        self.tlsCredentials = tlsCredentials
        self.useClientCert = useClientCert
        self.verifyHostname = verifyHostname
        self.type = type
        self.includeNotReadyPods = includeNotReadyPods
        self.exposePodsByName = exposePodsByName
        self.settings = settings
    }

    init(reading spec: FieldReader) throws {
        self.routingKey = try spec.routingKey("routingKey")
        self.selector = try spec.string("selector")
        self.host = try spec.string("host") ?? ""
        if host.isEmpty {
            throw spec.error("host", selector == nil ? "is required" : "is required (selector is only supported on Kubernetes)")
        }
        guard HostName.isValid(host) else {
            throw spec.error("host", "invalid connector host: \(host) - a valid IP address or hostname is expected")
        }
        self.port = try spec.port("port", required: true)!
        self.tlsCredentials = try spec.resourceName("tlsCredentials")
        self.useClientCert = try spec.bool("useClientCert") ?? false
        self.verifyHostname = try spec.bool("verifyHostname") ?? false
        self.type = try spec.string("type") ?? "tcp"
        guard type == "tcp" else { throw spec.error("type", "unsupported type \"\(type)\" (only tcp is supported)") }
        self.includeNotReadyPods = try spec.bool("includeNotReadyPods") ?? false
        self.exposePodsByName = try spec.bool("exposePodsByName") ?? false
        self.settings = try spec.stringMap("settings")
    }
}

extension ConnectorSpec: KindSpec {
    public static let kind = ResourceKind.connector

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        fields.add("routingKey", self.routingKey)
        fields.add("host", self.host)
        fields.add("port", self.port)
        fields.add("selector", self.selector)
        fields.add("tlsCredentials", self.tlsCredentials)
        fields.add("useClientCert", self.useClientCert, unless: false)
        fields.add("verifyHostname", self.verifyHostname, unless: false)
        fields.add("type", self.type, unless: "tcp")
        fields.add("includeNotReadyPods", self.includeNotReadyPods, unless: false)
        fields.add("exposePodsByName", self.exposePodsByName, unless: false)
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
