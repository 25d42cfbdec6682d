import Foundation
import Resources
import TextSupport
import Yams

/// Prints resources and status documents as YAML or JSON.
public enum Rendering {
    /// Resources in a format: a `---` YAML stream, or JSON (one object, or an array of several).
    public static func resources(_ resources: [Resource], _ format: OutputFormat) -> String {
        switch format {
        case .yaml: return resources.count == 1 ? ResourceEncoder.yaml(resources[0]) : ResourceEncoder.yaml(resources)
        case .json: return json(resources.map { ResourceEncoder.yaml($0) }, single: resources.count == 1)
        }
    }

    /// Status documents in a format: YAML documents, or JSON (one object for a single named resource, else an array).
    public static func statuses(_ documents: [StatusDocument], _ format: OutputFormat, single: Bool) -> String {
        switch format {
        case .yaml: return single && documents.count == 1 ? documents[0].yaml() : documents.map { "---\n" + $0.yaml() }.joined()
        case .json: return json(documents.map { $0.yaml() }, single: single && documents.count == 1)
        }
    }

    static func json(_ yamlTexts: [String], single: Bool) -> String {
        let values = yamlTexts.map { text in ((try? Yams.compose(yaml: text)) ?? nil).map { jsonText($0, indent: single ? 0 : 1) } ?? "null" }
        if single { return values[0] + "\n" }
        if values.isEmpty { return "[]\n" }
        return "[\n  " + values.joined(separator: ",\n  ") + "\n]\n"
    }

    /// A YAML node as pretty-printed JSON, keeping key order; scalars keep the types YAML resolves.
    public static func jsonText(_ node: Node, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent + 1), closing = String(repeating: "  ", count: indent)
        switch node {
        case .mapping(let mapping):
            if mapping.isEmpty { return "{}" }
            let items = mapping.map { key, value in pad + QuotedText.quoted(key.string ?? "", .json) + ": " + jsonText(value, indent: indent + 1) }
            return "{\n" + items.joined(separator: ",\n") + "\n" + closing + "}"
        case .sequence(let sequence):
            if sequence.isEmpty { return "[]" }
            return "[\n" + sequence.map { pad + jsonText($0, indent: indent + 1) }.joined(separator: ",\n") + "\n" + closing + "]"
        case .scalar(let scalar):
            switch node.tag.description {
            case Tag.Name.int.rawValue: return scalar.string
            case Tag.Name.bool.rawValue: return node.bool.map { $0 ? "true" : "false" } ?? QuotedText.quoted(scalar.string, .json)
            case Tag.Name.null.rawValue: return "null"
            case Tag.Name.float.rawValue: return node.float.map { "\($0)" } ?? QuotedText.quoted(scalar.string, .json)
            default: return QuotedText.quoted(scalar.string, .json)
            }
        case .alias:
            return "null"
        }
    }

}
