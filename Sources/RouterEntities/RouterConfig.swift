import FoundationEssentials
import TextSupport

/// The skupper-router configuration: the entities of `skrouterd.json`, in the order Skupper v2 writes them.
public struct RouterConfig: Sendable, Hashable {
    /// One entity: its type ("router", "sslProfile", "listener", ...) and attributes in order.
    public struct Entity: Sendable, Hashable {
        public var type: String
        public var attributes: [(String, JSONValue)]

        public init(_ type: String, _ attributes: [(String, JSONValue)]) {
            self.type = type
            self.attributes = attributes
        }

        /// An attribute's value.
        public subscript(key: String) -> JSONValue? { attributes.first { $0.0 == key }?.1 }

        /// An attribute as text (strings and numbers).
        public func text(_ key: String) -> String? {
            switch self[key] {
            case .string(let s): s
            case .int(let i): String(i)
            case .bool(let b): String(b)
            default: nil
            }
        }

        /// The entity as it appears in the file's list: indented one level, without the separating comma.
        public func fragment() -> String {
            // What `JSONValue.array([.string(type), .object(attributes)])` writes at an indent of 4, without
            // building that array (tens of thousands of services are rendered at a cold start).
            var out = ""
            out.reserveCapacity(40 + type.utf8.count + attributes.count * 48)
            out += "    [\n        "
            QuotedText.append(type, .goJSON, to: &out)
            out += ",\n        "
            JSONValue.object(attributes).write(to: &out, indent: 8)
            out += "\n    ]"
            return out
        }

        public static func == (lhs: Entity, rhs: Entity) -> Bool {
            lhs.type == rhs.type && JSONValue.object(lhs.attributes) == JSONValue.object(rhs.attributes)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(type)
            hasher.combine(JSONValue.object(attributes))
        }
    }

    public var entities: [Entity]

    /// The entity types of a site's TCP services (its Listeners, MultiKeyListeners and Connectors); the rest is the
    /// site's own.
    public static let serviceTypes: Set<String> = ["tcpListener", "tcpConnector", "listenerAddress"]

    public init(entities: [Entity]) {
        self.entities = entities
    }

    /// The configuration with every path attribute under `base` moved under `replacement` (the files as the running
    /// router sees them, where its configuration names them through a variable its image expands).
    public func rebasingPaths(from base: String, to replacement: String) -> RouterConfig {
        guard base != replacement else { return self }
        return RouterConfig(
            entities: entities.map { entity in
                var entity = entity
                for index in entity.attributes.indices {
                    guard case .string(let value) = entity.attributes[index].1, value.hasPrefix(base + "/") else { continue }
                    entity.attributes[index].1 = .string(replacement + value.dropFirst(base.count))
                }
                return entity
            })
    }

    /// The entities of one type, in file order.
    public func entities(ofType type: String) -> [Entity] { entities.filter { $0.type == type } }

    /// The entity of a type with a given name.
    public func entity(_ type: String, named name: String) -> Entity? {
        entities.first { $0.type == type && $0.text("name") == name }
    }

    /// Reads `skrouterd.json` text back (attributes in key order); nil when it is not a list of `[type, attributes]`.
    public static func parse(_ text: String) -> RouterConfig? {
        guard case .array(let list) = JSONValue.parse(text) else { return nil }
        var entities: [Entity] = []
        for item in list {
            guard case .array(let pair) = item, pair.count == 2, case .string(let type) = pair[0], case .object(let attributes) = pair[1] else { return nil }
            entities.append(Entity(type, attributes))
        }
        return RouterConfig(entities: entities)
    }

    /// The entities as comparable text, whatever their attributes' order.
    public var canonical: Set<String> {
        Set(
            entities.map { entity in
                entity.type + "|" + entity.attributes.sorted { $0.0 < $1.0 }.map { "\($0.0)=\(entity.text($0.0) ?? $0.1.serialized())" }.joined(separator: "|")
            })
    }

    /// The JSON text of `skrouterd.json`: a list of `[type, attributes]` pairs.
    public func json() -> String {
        Self.json(fragments: entities.map { $0.fragment() })
    }

    /// The file's text from its entities' fragments (`Entity.fragment()`), in order.
    public static func json(fragments: [String]) -> String {
        if fragments.isEmpty { return "[]\n" }
        var out = "[\n"
        out.reserveCapacity(fragments.reduce(4) { $0 + $1.utf8.count + 2 })
        for (index, fragment) in fragments.enumerated() {
            out += fragment
            out += index == fragments.count - 1 ? "\n" : ",\n"
        }
        return out + "]\n"
    }

    /// The same text as `json(fragments:)`, as parts to write one after another without joining them first.
    public static func fileParts(fragments: [TextPiece]) -> [TextPiece] {
        if fragments.isEmpty { return ["[]\n"] }
        var parts: [TextPiece] = ["[\n"]
        parts.reserveCapacity(fragments.count * 2 + 1)
        for (index, fragment) in fragments.enumerated() {
            parts.append(fragment)
            parts.append(index == fragments.count - 1 ? "\n]\n" : ",\n")
        }
        return parts
    }
}
