/// A Listener: a local TCP endpoint whose connections are routed to connectors with the same routing key.
public struct ListenerSpec: Sendable, Hashable {
    public var routingKey: String
    /// The host (address) to bind; Skupper v2 requires it.
    public var host: String
    public var port: Int
    /// A Secret holding the TLS server credentials for clients of this listener.
    public var tlsCredentials: String?
    /// Protocol type; only "tcp" is defined.
    public var type: String
    /// Observer setting passed to the router ("auto", "none", "http1", "http2").
    public var observer: String?
    public var exposePodsByName: Bool
    /// Clients must present a certificate the listener's CA signed (with `tlsCredentials`), as a MultiKeyListener's
    /// `requireClientCert` says; Skupper v2's Listener has no such field and reads it nowhere.
    public var requireClientCert: Bool
    public var settings: [String: String]

    public init(
        routingKey: String, host: String, port: Int, tlsCredentials: String? = nil, type: String = "tcp",
        observer: String? = nil, exposePodsByName: Bool = false, requireClientCert: Bool = false, settings: [String: String] = [:]
    ) {
        self.routingKey = routingKey
        self.host = host
        self.port = port
        self.tlsCredentials = tlsCredentials
        self.type = type
        self.observer = observer
        self.exposePodsByName = exposePodsByName
        self.requireClientCert = requireClientCert
        self.settings = settings
    }

    init(reading spec: FieldReader) throws {
        self.routingKey = try spec.routingKey("routingKey")
        self.host = try spec.requiredString("host")
        guard HostName.isValid(host) else {
            throw spec.error("host", "invalid listener host: \(host) - a valid IP address or hostname is expected")
        }
        self.port = try spec.port("port", required: true)!
        self.tlsCredentials = try spec.resourceName("tlsCredentials")
        self.type = try spec.string("type") ?? "tcp"
        guard type == "tcp" else { throw spec.error("type", "unsupported type \"\(type)\" (only tcp is supported)") }
        self.observer = try spec.string("observer")
        self.exposePodsByName = try spec.bool("exposePodsByName") ?? false
        self.requireClientCert = try spec.bool("requireClientCert") ?? false
        if requireClientCert && tlsCredentials == nil {
            throw spec.error("requireClientCert", "needs tlsCredentials: clients present certificates only over TLS")
        }
        self.settings = try spec.stringMap("settings")
    }
}

extension ListenerSpec: KindSpec {
    public static let kind = ResourceKind.listener

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        fields.add("routingKey", self.routingKey)
        fields.add("host", self.host)
        fields.add("port", self.port)
        fields.add("tlsCredentials", self.tlsCredentials)
        fields.add("type", self.type, unless: "tcp")
        fields.add("observer", self.observer)
        fields.add("exposePodsByName", self.exposePodsByName, unless: false)
        fields.add("requireClientCert", self.requireClientCert, unless: false)
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
