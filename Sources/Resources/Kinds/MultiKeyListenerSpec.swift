import TextSupport

/// A MultiKeyListener: a local TCP endpoint whose connections go to connectors of several routing keys, chosen by a
/// strategy (the first reachable key by priority, or reachable keys in proportion to their weights).
public struct MultiKeyListenerSpec: Sendable, Hashable {
    /// How a connection picks its routing key.
    public enum Strategy: Sendable, Hashable {
        /// The first routing key (highest priority first) with a reachable connector takes every connection.
        case priority([String])
        /// Reachable routing keys share connections in proportion to their weights.
        case weighted([String: Int])

        /// The strategy's name, as the router's `multiAddressStrategy` spells it.
        public var name: String {
            switch self {
            case .priority: "priority"
            case .weighted: "weighted"
            }
        }

        /// The routing keys: in priority order, or by name for weights.
        public var routingKeys: [String] {
            switch self {
            case .priority(let keys): keys
            case .weighted(let weights): weights.keys.sorted()
            }
        }
    }

    /// The host (address) to bind.
    public var host: String
    public var port: Int
    /// A Secret (or Certificate) holding the TLS server credentials for clients of this listener.
    public var tlsCredentials: String?
    /// Clients must present a certificate signed by the CA of `tlsCredentials`.
    public var requireClientCert: Bool
    public var strategy: Strategy
    /// Observer setting passed to the router ("auto", "none", "http1", "http2").
    public var observer: String?
    public var settings: [String: String]

    public init(
        host: String, port: Int, strategy: Strategy, tlsCredentials: String? = nil, requireClientCert: Bool = false,
        observer: String? = nil, settings: [String: String] = [:]
    ) {
        self.host = host
        self.port = port
        self.strategy = strategy
        self.tlsCredentials = tlsCredentials
        self.requireClientCert = requireClientCert
        self.observer = observer
        self.settings = settings
    }

    /// The most routing keys a strategy may name (Skupper v2's limit).
    public static let maximumRoutingKeys = 256
    /// The largest weight: the router adds the weights of reachable keys up in a C `int`.
    public static let maximumWeight = 1_000_000
    /// The observer values the router accepts.
    public static let observers: Set<String> = ["auto", "none", "http1", "http2"]

    init(reading spec: FieldReader) throws {
        self.host = try spec.requiredString("host")
        guard HostName.isValid(host) else {
            throw spec.error("host", "invalid multikeylistener host: \(host) - a valid IP address or hostname is expected")
        }
        self.port = try spec.port("port", required: true)!
        self.tlsCredentials = try spec.resourceName("tlsCredentials")
        self.requireClientCert = try spec.bool("requireClientCert") ?? false
        if requireClientCert && tlsCredentials == nil {
            throw spec.error("requireClientCert", "needs tlsCredentials: clients present certificates only over TLS")
        }
        self.observer = try spec.string("observer")
        if let observer, !Self.observers.contains(observer) {
            throw spec.error("observer", "unsupported observer \"\(observer)\" (expected auto, none, http1 or http2)")
        }
        self.settings = try spec.stringMap("settings")
        guard let strategy = try spec.mapping("strategy") else { throw spec.error("strategy", "is required (priority or weighted)") }
        self.strategy = try Self.strategy(strategy)
    }

    static func strategy(_ reader: FieldReader) throws -> Strategy {
        let priority = try reader.mapping("priority")
        let weighted = try reader.mapping("weighted")
        switch (priority, weighted) {
        case (let priority?, nil):
            let keys = try priority.strings("routingKeys")
            try checkCount(keys.count, priority)
            var seen = Set<String>()
            for (index, key) in keys.enumerated() {
                if let problem = RoutingKey.problem(key) { throw priority.error("routingKeys", index: index, key.isEmpty ? "is empty" : problem) }
                guard seen.insert(key).inserted else { throw priority.error("routingKeys", index: index, "routing key \"\(key)\" is listed twice") }
            }
            return .priority(keys)
        case (nil, let weighted?):
            let text = try weighted.stringMap("routingKeys")
            try checkCount(text.count, weighted)
            let keys = try weighted.mapping("routingKeys")!
            var weights: [String: Int] = [:]
            for (key, value) in text {
                guard !key.isEmpty else { throw weighted.error("routingKeys", "a routing key is empty") }
                if let problem = RoutingKey.problem(key) { throw weighted.error("routingKeys", "the routing key \"\(QuotedText.excerpt(key))\" \(problem)") }
                guard let weight = Int(value.trimmingSpaces), (1...maximumWeight).contains(weight) else {
                    throw keys.error(key, "weight of \"\(key)\" must be an integer from 1 to \(maximumWeight), found \(QuotedText.excerpt(value))")
                }
                weights[key] = weight
            }
            return .weighted(weights)
        case (nil, nil):
            throw reader.error(nil, "one of priority or weighted is required")
        case (.some, .some):
            throw reader.error(nil, "only one of priority or weighted may be given")
        }
    }

    private static func checkCount(_ count: Int, _ reader: FieldReader) throws {
        guard count > 0 else { throw reader.error("routingKeys", "at least one routing key is required") }
        guard count <= maximumRoutingKeys else { throw reader.error("routingKeys", "at most \(maximumRoutingKeys) routing keys are allowed, found \(count)") }
    }
}

extension MultiKeyListenerSpec: KindSpec {
    public static let kind = ResourceKind.multiKeyListener

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        fields.add("host", self.host)
        fields.add("port", self.port)
        fields.add("tlsCredentials", self.tlsCredentials)
        fields.add("requireClientCert", self.requireClientCert, unless: false)
        fields.add("settings", self.settings)
        let keys: YAMLNode
        switch strategy {
        case .priority(let list): keys = YAMLNode.list(list.map { YAMLNode($0, style: .doubleQuoted) })
        case .weighted(let weights):
            keys = YAMLNode.map(weights.sorted { $0.key < $1.key }.map { (YAMLNode($0.key, style: .doubleQuoted), .int($0.value)) })
        }
        fields.add("strategy", YAMLNode.map([(YAMLNode(strategy.name), YAMLNode.map([(YAMLNode("routingKeys"), keys)]))]))
        fields.add("observer", self.observer)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
