import Foundation
import Yams

/// Writes resources as the YAML Skupper v2 reads: apiVersion, kind, metadata, then spec (or data for
/// Secrets), leaving out fields that hold their defaults.
public enum ResourceEncoder {
    /// One resource as a YAML document (without the leading `---`).
    public static func yaml(_ resource: Resource) -> String {
        (try? Yams.serialize(node: node(resource))) ?? ""
    }

    /// Several resources as a multi-document YAML stream, each document starting with `---`.
    public static func yaml(_ resources: [Resource]) -> String {
        resources.map { "---\n" + yaml($0) }.joined()
    }

    /// Several resources as a multi-document stream, written without libyaml's emitter (`BlockYAMLWriter`): for
    /// answers written once per request; it reads back to the same resources as `yaml(_:)`.
    public static func fastYAML(_ resources: [Resource]) -> String {
        BlockYAMLWriter.stream(resources.map(node))
    }

    /// The YAML node of a resource.
    public static func node(_ resource: Resource) -> Node {
        var metadata: [(Node, Node)] = [(Node("name"), Node(resource.name))]
        if let namespace = resource.metadata.namespace { metadata.append((Node("namespace"), Node(namespace))) }
        if !resource.metadata.labels.isEmpty { metadata.append((Node("labels"), map(resource.metadata.labels))) }
        if !resource.metadata.annotations.isEmpty { metadata.append((Node("annotations"), map(resource.metadata.annotations))) }
        var root: [(Node, Node)] = [
            (Node("apiVersion"), Node(resource.apiVersion)),
            (Node("kind"), Node(resource.kind.rawValue)),
            (Node("metadata"), .mapping(.init(metadata))),
        ]
        root += resource.spec.kindSpec.encodedBody()
        return .mapping(.init(root))
    }

    public static func map(_ values: [String: String]) -> Node {
        .mapping(.init(values.sorted { $0.key < $1.key }.map { (Node($0.key), Node($0.value, Tag(.str), .doubleQuoted)) }))
    }

    /// Collects fields in order, leaving out absent and default values.
    public struct Fields {
        public var pairs: [(Node, Node)] = []

        public init() {}

        public mutating func add(_ key: String, _ value: Node) { pairs.append((Node(key), value)) }
        public mutating func add(_ key: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            pairs.append((Node(key), Node(value)))
        }
        public mutating func add(_ key: String, _ value: String, unless fallback: String) {
            if value != fallback { add(key, value) }
        }
        public mutating func add(_ key: String, _ value: Int) { pairs.append((Node(key), Node(String(value), Tag(.int)))) }
        public mutating func add(_ key: String, _ value: Int, unless fallback: Int) { if value != fallback { add(key, value) } }
        public mutating func add(_ key: String, _ value: Bool, unless fallback: Bool) {
            if value != fallback { pairs.append((Node(key), Node(value ? "true" : "false", Tag(.bool)))) }
        }
        public mutating func add(_ key: String, _ value: [String: String]) {
            if !value.isEmpty { pairs.append((Node(key), ResourceEncoder.map(value))) }
        }
    }
}
