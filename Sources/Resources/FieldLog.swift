/// The fields a document's decoders read, so that the loader can warn about the ones no decoder knows (a misspelled
/// `tlsCredential:`), as Kubernetes warns about unknown fields: the resource still applies without them.
/// A field is noted by its mapping's number in the document and its place there: no path is built per read.
final class FieldLog {
    /// Fields read, as `key(mapping, index)`.
    private var read: Set<Int> = []
    /// Fields read as a whole (free-form maps such as `settings` and `labels`): what is inside them is not checked.
    private var whole: Set<Int> = []

    func noteRead(_ mapping: YAMLNode.Mapping, _ index: Int) { read.insert(Self.key(mapping.id, index)) }
    func noteWhole(_ mapping: YAMLNode.Mapping, _ index: Int) { whole.insert(Self.key(mapping.id, index)) }

    private static func key(_ mapping: Int, _ index: Int) -> Int { mapping << 32 | index }

    /// Top-level keys every document may carry: metadata is Kubernetes' own (uid, resourceVersion, ...), and a
    /// status written back by an agent is ignored on input, as Kubernetes ignores it on create.
    static let unchecked: Set<String> = ["apiVersion", "kind", "metadata", "status"]

    /// Warnings for the fields of `document` that were not read.
    func unknownFields(in document: YAMLNode, origin: SourceLocation) -> [ResourceError] {
        var warnings: [ResourceError] = []
        walk(document, path: "", origin: origin, into: &warnings)
        return warnings
    }

    private func walk(_ node: YAMLNode, path: String, origin: SourceLocation, into warnings: inout [ResourceError]) {
        switch node {
        case .mapping(let mapping):
            for (index, (key, value)) in mapping.pairs.enumerated() {
                guard case .scalar(let name) = key else { continue }
                if path.isEmpty && Self.unchecked.contains(name.string) { continue }
                let field = Self.key(mapping.id, index)
                let child = path.isEmpty ? name.string : "\(path).\(name.string)"
                guard read.contains(field) else {
                    var location = origin
                    location.line = key.line
                    warnings.append(ResourceError(location, field: child, "unknown field (ignored)"))
                    continue
                }
                if !whole.contains(field) { walk(value, path: child, origin: origin, into: &warnings) }
            }
        case .sequence(let sequence):
            for (index, item) in sequence.items.enumerated() { walk(item, path: "\(path)[\(index)]", origin: origin, into: &warnings) }
        case .scalar:
            break
        }
    }
}
