internal import CLibYAML

/// Refuses YAML whose aliases expand beyond a budget ("billion laughs": 650 bytes of nested aliases that
/// expand to billions of nodes), before the text is composed into nodes. Kubernetes' YAML reader refuses
/// excessive aliasing the same way. It walks libyaml's events (the parser Yams itself uses) and counts what
/// each anchor expands to, so the work is linear in the text whatever the aliases say.
enum AliasBudget {
    /// The most nodes one document may expand to, aliases expanded.
    static let maximumNodesPerDocument = 100_000
    /// The most nodes all aliases of a file together may expand to.
    static let maximumAliasedNodes = 100_000

    /// Checks the text; nil when it is within budget or holds no alias at all (the common case, found by a byte scan).
    static func check(_ text: String, file: String) -> ResourceError? {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var text = text
        return text.withUTF8 { bytes in walk(bytes, file: file) }
    }

    private struct Frame {
        var anchor: String?
        var nodes: Int
    }

    private static func walk(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> ResourceError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        var sizes: [String: Int] = [:]
        // Open collections with the nodes counted in each so far, anchors' expanded sizes, and the document's total.
        var stack: [Frame] = []
        var document = 0
        var total = 0
        var aliased = 0
        var event = yaml_event_t()
        while true {
            // Syntax errors are left to the composer, which reports them with their location.
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let location = SourceLocation(file: file, document: max(document, 1), line: Int(event.start_mark.line) + 1)
            var completed = 0
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_DOCUMENT_START_EVENT:
                document += 1
                total = 0
                stack = []
            case YAML_SCALAR_EVENT:
                if let anchor = name(event.data.scalar.anchor) { sizes[anchor] = 1 }
                total += 1
                completed = 1
            case YAML_ALIAS_EVENT:
                completed = name(event.data.alias.anchor).flatMap { sizes[$0] } ?? 1
                total += completed
                aliased += completed
                if aliased > maximumAliasedNodes {
                    return ResourceError(location, "excessive aliasing: the file's aliases expand to more than \(maximumAliasedNodes) nodes")
                }
            case YAML_SEQUENCE_START_EVENT:
                total += 1
                stack.append(Frame(anchor: name(event.data.sequence_start.anchor), nodes: 1))
            case YAML_MAPPING_START_EVENT:
                total += 1
                stack.append(Frame(anchor: name(event.data.mapping_start.anchor), nodes: 1))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return nil }
                if let anchor = frame.anchor { sizes[anchor] = frame.nodes }
                completed = frame.nodes
            default:
                break
            }
            if total > maximumNodesPerDocument {
                return ResourceError(location, "the document expands to more than \(maximumNodesPerDocument) nodes (excessive aliasing)")
            }
            if completed > 0, !stack.isEmpty { stack[stack.count - 1].nodes += completed }
        }
    }

    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
