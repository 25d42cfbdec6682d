/// A SecuredAccess: on Kubernetes, a Service (with a Route or Ingress) in front of the pods `selector` picks, and a
/// certificate for it. Skupper v2's non-Kubernetes site reads and keeps it but nothing acts on it; so does this one.
public struct SecuredAccessSpec: Sendable, Hashable {
    /// One port of the access.
    public struct Port: Sendable, Hashable {
        public var name: String
        public var port: Int
        public var targetPort: Int?
        public var `protocol`: String?

        public init(name: String, port: Int, targetPort: Int? = nil, protocol: String? = nil) {
            self.name = name
            self.port = port
            self.targetPort = targetPort
            self.protocol = `protocol`
        }
    }

    /// How the access is exposed on Kubernetes ("loadbalancer", "route", "ingress-nginx", ...).
    public var accessType: String?
    /// The pods the access leads to (Kubernetes labels).
    public var selector: [String: String]
    public var ports: [Port]
    /// The Secret the access's certificate is written to.
    public var certificate: String?
    /// The CA that signs it.
    public var issuer: String?
    public var settings: [String: String]

    public init(
        accessType: String? = nil, selector: [String: String] = [:], ports: [Port], certificate: String? = nil,
        issuer: String? = nil, settings: [String: String] = [:]
    ) {
        self.accessType = accessType
        self.selector = selector
        self.ports = ports
        self.certificate = certificate
        self.issuer = issuer
        self.settings = settings
    }

    init(reading spec: FieldReader) throws {
        self.accessType = try spec.string("accessType")
        self.selector = try spec.stringMap("selector")
        self.ports = try spec.mappings("ports").map { port in
            Port(
                name: try port.requiredString("name"), port: try port.port("port", required: true)!,
                targetPort: try port.port("targetPort", required: false), protocol: try port.string("protocol"))
        }
        var names = Set<String>()
        for (index, port) in ports.enumerated() where !names.insert(port.name).inserted {
            throw spec.error("ports", index: index, "port name \"\(port.name)\" is used twice")
        }
        self.certificate = try spec.resourceName("certificate")
        self.issuer = try spec.resourceName("issuer")
        self.settings = try spec.stringMap("settings")
    }
}

extension SecuredAccessSpec: KindSpec {
    public static let kind = ResourceKind.securedAccess

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        fields.add("accessType", self.accessType)
        fields.add("selector", ResourceEncoder.map(self.selector))
        let ports = self.ports.map { port -> YAMLNode in
            var pairs: [(YAMLNode, YAMLNode)] = [(YAMLNode("name"), YAMLNode(port.name)), (YAMLNode("port"), .int(port.port))]
            if let target = port.targetPort { pairs.append((YAMLNode("targetPort"), .int(target))) }
            if let proto = port.protocol, !proto.isEmpty { pairs.append((YAMLNode("protocol"), YAMLNode(proto))) }
            return .map(pairs)
        }
        fields.add("ports", YAMLNode.list(ports))
        fields.add("certificate", self.certificate)
        fields.add("issuer", self.issuer)
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
