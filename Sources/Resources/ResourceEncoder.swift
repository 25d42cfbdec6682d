import FoundationEssentials

/// Writes resources as the YAML Skupper v2 reads: apiVersion, kind, metadata, then spec (or data for
/// Secrets), leaving out fields that hold their defaults. (The command line's libyaml-emitted `yaml(_:)` is in CLI.)
public enum ResourceEncoder {
    /// Several resources as a multi-document stream, written without libyaml's emitter (`BlockYAMLWriter`): for
    /// answers written once per request; it reads back to the same resources as `yaml(_:)`.
    public static func fastYAML(_ resources: [Resource]) -> String {
        BlockYAMLWriter.stream(resources.map(node))
    }

    /// The YAML node of a resource.
    public static func node(_ resource: Resource) -> YAMLNode {
        var metadata: [(YAMLNode, YAMLNode)] = [(YAMLNode("name"), YAMLNode(resource.name))]
        if let namespace = resource.metadata.namespace { metadata.append((YAMLNode("namespace"), YAMLNode(namespace))) }
        if !resource.metadata.labels.isEmpty { metadata.append((YAMLNode("labels"), map(resource.metadata.labels))) }
        if !resource.metadata.annotations.isEmpty { metadata.append((YAMLNode("annotations"), map(resource.metadata.annotations))) }
        var root: [(YAMLNode, YAMLNode)] = [
            (YAMLNode("apiVersion"), YAMLNode(resource.apiVersion)),
            (YAMLNode("kind"), YAMLNode(resource.kind.rawValue)),
            (YAMLNode("metadata"), .map(metadata)),
        ]
        root += resource.spec.kindSpec.encodedBody()
        return .map(root)
    }

    public static func map(_ values: [String: String]) -> YAMLNode {
        .map(values.sorted { $0.key < $1.key }.map { (YAMLNode($0.key), YAMLNode($0.value, style: .doubleQuoted)) })
    }

    /// Collects fields in order, leaving out absent and default values.
    public struct Fields {
        public var pairs: [(YAMLNode, YAMLNode)] = []

        public init() {}

        public mutating func add(_ key: String, _ value: YAMLNode) { pairs.append((YAMLNode(key), value)) }
        public mutating func add(_ key: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            pairs.append((YAMLNode(key), YAMLNode(value)))
        }
        public mutating func add(_ key: String, _ value: String, unless fallback: String) {
            if value != fallback { add(key, value) }
        }
        public mutating func add(_ key: String, _ value: Int) { pairs.append((YAMLNode(key), .int(value))) }
        public mutating func add(_ key: String, _ value: Int, unless fallback: Int) { if value != fallback { add(key, value) } }
        public mutating func add(_ key: String, _ value: Bool, unless fallback: Bool) {
            if value != fallback { pairs.append((YAMLNode(key), .bool(value))) }
        }
        public mutating func add(_ key: String, _ value: [String: String]) {
            if !value.isEmpty { pairs.append((YAMLNode(key), ResourceEncoder.map(value))) }
        }
    }
}
