/// A YAML node as the loader reads it: scalars as text (no tag resolution: readers decide what a field's text
/// means), mappings in document order, each node with its line. Light to build and to copy, unlike Yams' `Node`
/// (a tag object per node, a weak anchor per copy), which was most of what parsing a large input directory cost.
public enum YAMLNode: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    /// A scalar's text, how it was written, and its explicit tag if it had one.
    public struct Scalar: Sendable {
        public var string: String
        public var style: Style
        /// The tag written on the scalar (`!!int 1` gives `tag:yaml.org,2002:int`); nil when it had none.
        public var tag: String?
        /// 1-based.
        public var line: Int

        public enum Style: Sendable {
            case plain, singleQuoted, doubleQuoted, literal, folded
        }

        public init(_ string: String, style: Style = .plain, tag: String? = nil, line: Int = 0) {
            self.string = string
            self.style = style
            self.tag = tag
            self.line = line
        }

        /// Whether this is YAML's null (empty, `~`, `null` written plain, or tagged `!!null`).
        public var isNull: Bool {
            tag == YAMLNode.nullTag || (style == .plain && YAMLNode.nullWords.contains(string))
        }
    }

    /// A mapping's pairs in document order (keys are unique: the reader refuses duplicates).
    public struct Mapping: Sendable {
        public var pairs: [(YAMLNode, YAMLNode)]
        /// 1-based.
        public var line: Int
        /// Numbers the mappings of one document, so that which of their keys were read can be noted cheaply.
        public var id: Int

        public init(_ pairs: [(YAMLNode, YAMLNode)] = [], line: Int = 0, id: Int = -1) {
            self.pairs = pairs
            self.line = line
            self.id = id
        }

        /// The index of the pair whose key is the scalar `key`.
        public func index(of key: String) -> Int? {
            pairs.firstIndex { if case .scalar(let scalar) = $0.0 { scalar.string == key } else { false } }
        }

        /// The value of the scalar key `key`.
        public subscript(key: String) -> YAMLNode? { index(of: key).map { pairs[$0].1 } }
    }

    /// A sequence's items.
    public struct Sequence: Sendable {
        public var items: [YAMLNode]
        /// 1-based.
        public var line: Int

        public init(_ items: [YAMLNode] = [], line: Int = 0) {
            self.items = items
            self.line = line
        }
    }

    static let nullTag = "tag:yaml.org,2002:null"
    public static let intTag = "tag:yaml.org,2002:int"
    public static let boolTag = "tag:yaml.org,2002:bool"
    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// The line the node starts on (1-based).
    public var line: Int {
        switch self {
        case .scalar(let scalar): scalar.line
        case .mapping(let mapping): mapping.line
        case .sequence(let sequence): sequence.line
        }
    }

    /// Whether the node is YAML's null.
    public var isNull: Bool { if case .scalar(let scalar) = self { scalar.isNull } else { false } }

    /// A scalar's text; nil for a collection.
    public var string: String? { if case .scalar(let scalar) = self { scalar.string } else { nil } }

    /// The mapping, when the node is one.
    public var mapping: Mapping? { if case .mapping(let mapping) = self { mapping } else { nil } }

    /// The items, when the node is a sequence.
    public var items: [YAMLNode]? { if case .sequence(let sequence) = self { sequence.items } else { nil } }

    /// The node's content, tags and lines left out: what makes two mapping keys the same key.
    var identity: String {
        switch self {
        case .scalar(let scalar): return "\(scalar.tag ?? "")!\(scalar.string)"
        case .mapping(let mapping):
            return "{" + mapping.pairs.map { "\($0.0.identity.count):\($0.0.identity)\($0.1.identity.count):\($0.1.identity)" }.joined() + "}"
        case .sequence(let sequence): return "[" + sequence.items.map { "\($0.identity.count):\($0.identity)" }.joined() + "]"
        }
    }
}

extension YAMLNode {
    /// A scalar to write: plain where it reads back as itself, else in `style`.
    public init(_ text: String, style: Scalar.Style = .plain) { self = .scalar(Scalar(text, style: style)) }
    /// An integer, written as one.
    public static func int(_ value: Int) -> YAMLNode { .scalar(Scalar(String(value), tag: intTag)) }
    /// A boolean, written as one.
    public static func bool(_ value: Bool) -> YAMLNode { .scalar(Scalar(value ? "true" : "false", tag: boolTag)) }
    public static func map(_ pairs: [(YAMLNode, YAMLNode)]) -> YAMLNode { .mapping(Mapping(pairs)) }
    public static func list(_ items: [YAMLNode]) -> YAMLNode { .sequence(Sequence(items)) }
}
