internal import CLibYAML
import TextSupport

/// Reads the documents of a YAML stream one at a time, from libyaml's events (the parser Yams itself uses) into
/// `YAMLNode`s. Bounded as it reads: nesting deeper than `maximumDepth` and documents of more than `maximumNodes`
/// nodes (aliases expanded) are refused before anything is built from them; keys are unique within a mapping;
/// aliases name an anchor of their own document.
public final class YAMLReader {
    /// What is wrong with the text, where.
    public struct Failure: Error, Sendable {
        /// libyaml's words, or the reader's own (`duplicated key "kind"`).
        public var problem: String
        /// 1-based; 0 when not known.
        public var line: Int
        public var column: Int
        /// The 1-based document the problem is in.
        public var document: Int
        /// Whether the text is well-formed but over a bound (depth, nodes) rather than not YAML.
        public var overLimit = false
    }

    public let maximumDepth: Int
    public let maximumNodes: Int
    /// The documents started so far (the one being read included).
    public private(set) var document = 0

    /// libyaml's parser points into itself: it lives at one address for the reader's life.
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private var ended = false

    /// Reads `text`, which is copied: the reader owns its bytes for as long as it reads.
    public init(_ text: String, maximumDepth: Int = 64, maximumNodes: Int = 100_000) {
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
        let count = text.utf8.count
        bytes = .allocate(capacity: max(count, 1))
        _ = bytes.initialize(from: text.utf8)
        parser.initialize(to: yaml_parser_t())
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, bytes.baseAddress, count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        bytes.deallocate()
    }

    /// Reads all documents of `text` (for files that hold one, such as status files).
    public static func documents(_ text: String) throws(Failure) -> [YAMLNode] {
        let reader = YAMLReader(text)
        var documents: [YAMLNode] = []
        while let document = try reader.next() { documents.append(document) }
        return documents
    }

    /// An open collection while its children are read.
    private struct Frame {
        var isMapping: Bool
        var line: Int
        var anchor: String?
        var items: [YAMLNode] = []
        var pendingKey: YAMLNode?
        var pairs: [(YAMLNode, YAMLNode)] = []
        /// The keys' identities, once a mapping has too many keys to compare one by one.
        var keys: Set<String>?
        /// The deepest child's height (1 for scalars).
        var height = 0
        var id = -1

        /// Notes a key; false when the mapping has it already. Few keys are compared one by one, many through a set.
        mutating func addKey(_ key: YAMLNode) -> Bool {
            if keys == nil, pairs.count < 16 {
                return !pairs.contains { Self.same($0.0, key) }
            }
            if keys == nil { keys = Set(pairs.map { $0.0.identity }) }
            return keys!.insert(key.identity).inserted
        }

        static func same(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
            if case .scalar(let x) = a, case .scalar(let y) = b { return x.string == y.string && x.tag == y.tag }
            return a.identity == b.identity
        }
    }

    /// The next document; nil after the last.
    public func next() throws(Failure) -> YAMLNode? {
        guard !ended else { return nil }
        var stack: [Frame] = []
        var anchors: [String: (node: YAMLNode, height: Int, size: Int)] = [:]
        var sizes: [Int] = []
        var nodes = 0
        var mappings = 0
        var root: YAMLNode?
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else { throw syntaxFailure() }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            var completed: (node: YAMLNode, height: Int, size: Int)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                ended = true
                return nil
            case YAML_DOCUMENT_START_EVENT:
                document += 1
            case YAML_DOCUMENT_END_EVENT:
                // A document with nothing in it (`---` alone) is an empty plain scalar, as composing gives it.
                return root ?? .scalar(.init("", line: line))
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
                let scalar = YAMLNode.Scalar(text, style: Self.style(data.style), tag: Self.tag(data.tag), line: line)
                completed = (.scalar(scalar), 1, 1)
                if let anchor = Self.name(data.anchor) { anchors[anchor] = completed }
            case YAML_ALIAS_EVENT:
                guard let name = Self.name(event.data.alias.anchor), let anchored = anchors[name] else {
                    throw Failure(problem: "found undefined alias", line: line, column: Int(event.start_mark.column) + 1, document: document)
                }
                if stack.count + anchored.height > maximumDepth {
                    throw Failure(problem: "nesting deeper than \(maximumDepth) levels", line: line, column: 0, document: document, overLimit: true)
                }
                completed = anchored
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                if stack.count + 1 > maximumDepth {
                    throw Failure(problem: "nesting deeper than \(maximumDepth) levels", line: line, column: 0, document: document, overLimit: true)
                }
                nodes += 1
                let anchor = Self.name(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                var frame = Frame(isMapping: isMapping, line: line, anchor: anchor)
                if isMapping {
                    frame.id = mappings
                    mappings += 1
                }
                stack.append(frame)
                sizes.append(nodes)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast(), let start = sizes.popLast() else { break }
                let node: YAMLNode =
                    frame.isMapping
                    ? .mapping(.init(frame.pairs, line: frame.line, id: frame.id))
                    : .sequence(.init(frame.items, line: frame.line))
                completed = (node, frame.height + 1, nodes - start + 1)
                if let anchor = frame.anchor { anchors[anchor] = completed }
            default:
                break
            }
            guard let (node, height, size) = completed else { continue }
            if event.type == YAML_SCALAR_EVENT || event.type == YAML_ALIAS_EVENT { nodes += size }
            if nodes > maximumNodes {
                throw Failure(problem: "the document has more than \(maximumNodes) nodes", line: line, column: 0, document: document, overLimit: true)
            }
            guard !stack.isEmpty else {
                root = node
                continue
            }
            let top = stack.count - 1
            stack[top].height = max(stack[top].height, height)
            if !stack[top].isMapping {
                stack[top].items.append(node)
            } else if let key = stack[top].pendingKey {
                stack[top].pendingKey = nil
                stack[top].pairs.append((key, node))
            } else {
                // Two keys with the same content are one key given twice: which value is meant cannot be told.
                guard stack[top].addKey(node) else {
                    let text = node.string.map(QuotedText.excerpt) ?? "(a collection)"
                    throw Failure(problem: "duplicated key \(text) in a mapping", line: node.line, column: 0, document: document)
                }
                stack[top].pendingKey = node
            }
        }
    }

    private func syntaxFailure() -> Failure {
        let parser = self.parser.pointee
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable text"
        if parser.error == YAML_READER_ERROR {
            // The reader's errors come with a byte offset, not a mark.
            let prefix = UnsafeBufferPointer(start: bytes.baseAddress, count: min(parser.problem_offset, bytes.count))
            let line = prefix.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            return Failure(problem: problem, line: line, column: 0, document: max(document, 1))
        }
        return Failure(
            problem: problem, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1,
            document: max(document, 1))
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.Scalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    /// An explicit tag; `!!str` is no tag (the text is the string either way).
    private static func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let tag = name(pointer), tag != "tag:yaml.org,2002:str", tag != "!" else { return nil }
        return tag
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
