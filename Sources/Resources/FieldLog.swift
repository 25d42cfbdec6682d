import Yams

/// The fields a document's decoders read, so that the loader can warn about the ones no decoder knows (a misspelled
/// `tlsCredential:`), as Kubernetes warns about unknown fields: the resource still applies without them.
final class FieldLog {
    /// Dotted paths of the fields read (`spec.port`, `spec.roles[0].name`).
    private var read: Set<String> = []
    /// Fields read as a whole (free-form maps such as `settings` and `labels`): what is inside them is not checked.
    private var whole: Set<String> = []

    func noteRead(_ path: String) { read.insert(path) }
    func noteWhole(_ path: String) { whole.insert(path) }

    /// Top-level keys every document may carry: metadata is Kubernetes' own (uid, resourceVersion, ...), and a
    /// status written back by an agent is ignored on input, as Kubernetes ignores it on create.
    static let unchecked: Set<String> = ["apiVersion", "kind", "metadata", "status"]

    /// Warnings for the fields of `document` that were not read.
    func unknownFields(in document: Node, origin: SourceLocation) -> [ResourceError] {
        var warnings: [ResourceError] = []
        walk(document, path: "", origin: origin, into: &warnings)
        return warnings
    }

    private func walk(_ node: Node, path: String, origin: SourceLocation, into warnings: inout [ResourceError]) {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard case .scalar(let name) = key else { continue }
                if path.isEmpty && Self.unchecked.contains(name.string) { continue }
                let child = path.isEmpty ? name.string : "\(path).\(name.string)"
                guard read.contains(child) else {
                    var location = origin
                    location.line = key.mark?.line ?? location.line
                    warnings.append(ResourceError(location, field: child, "unknown field (ignored)"))
                    continue
                }
                if !whole.contains(child) { walk(value, path: child, origin: origin, into: &warnings) }
            }
        case .sequence(let items):
            for (index, item) in items.enumerated() { walk(item, path: "\(path)[\(index)]", origin: origin, into: &warnings) }
        default:
            break
        }
    }
}
