import Foundation
import Yams

/// The status file of one resource (`runtime/resources/<Kind>-<name>.yaml`): the resource as in force (identity and
/// spec) with its status, as YAML: what Skupper v2 keeps there, so v2's CLI reads it.
public struct StatusDocument: Sendable, Hashable {
    public var id: ResourceID
    public var namespace: String
    public var status: ResourceStatus
    /// The resource's body as YAML text (`spec:` and what is under it), written between metadata and status.
    public var body: String
    /// `metadata.uid`: a Site's is its site id, as Skupper v2 writes it.
    public var uid: String?

    public init(id: ResourceID, namespace: String, status: ResourceStatus, body: String = "", uid: String? = nil) {
        self.id = id
        self.namespace = namespace
        self.status = status
        self.body = body
        self.uid = uid
    }

    /// The body of a resource as written in its status file: its spec (a Secret's data never goes there).
    public static func body(of resource: Resource) -> String {
        let pairs = resource.spec.kindSpec.encodedBody()
        guard resource.kind != .secret, !pairs.isEmpty else { return "" }
        // Written without libyaml's emitter, whose tag resolution by regular expressions was most of a cold start's cost.
        return BlockYAMLWriter.document(.mapping(.init(pairs)))
    }

    /// The status file name for a resource.
    public static func fileName(for id: ResourceID) -> String { "\(id.kind.rawValue)-\(id.name).yaml" }

    /// RFC 3339 timestamps as Kubernetes writes them.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
    }

    /// Parses an RFC 3339 timestamp.
    public static func date(from text: String) -> Date? {
        try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
    }

    /// The YAML text written to disk.
    public func yaml() -> String {
        var fields: [StatusField] = [StatusField("status", .string(status.phase.rawValue)), StatusField("message", .string(status.message))]
        fields += status.fields
        if !status.conditions.isEmpty {
            fields.append(StatusField("conditions", .list(status.conditions.map { condition in
                .map([
                    StatusField("type", .string(condition.type)),
                    StatusField("status", .string(condition.status)),
                    StatusField("reason", .string(condition.reason)),
                    StatusField("message", .string(condition.message)),
                    StatusField("lastTransitionTime", .string(Self.timestamp(condition.lastTransitionTime))),
                ])
            })))
        }
        var writer = StatusYAMLWriter()
        writer.field("apiVersion", .string(id.kind.apiVersion), indent: 0)
        writer.field("kind", .string(id.kind.rawValue), indent: 0)
        var metadata = [StatusField("name", .string(id.name)), StatusField("namespace", .string(namespace))]
        if let uid { metadata.append(StatusField("uid", .string(uid))) }
        writer.field("metadata", .map(metadata), indent: 0)
        var header = writer.text
        header += body
        var status = StatusYAMLWriter()
        status.field("status", .map(fields), indent: 0)
        return header + status.text
    }

    static func node(_ value: StatusValue) -> Node {
        switch value {
        case .string(let s): return Node(s, Tag(.str), s.utf8.contains(UInt8(ascii: "\n")) ? .literal : (looksTyped(s) ? .doubleQuoted : .any))
        case .int(let i): return Node(String(i), Tag(.int))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .list(let items): return .sequence(.init(items.map(node)))
        case .map(let fields): return .mapping(.init(fields.map { (Node($0.key), node($0.value)) }))
        }
    }

    /// Whether a plain scalar would read back as something other than a string (number, bool, timestamp).
    static func looksTyped(_ text: String) -> Bool {
        if text.isEmpty || Int(text) != nil || Double(text) != nil { return true }
        if ["true", "false", "yes", "no", "on", "off", "null", "~"].contains(text.lowercased()) { return true }
        let digits = text.prefix(10)
        return digits.count == 10 && digits.enumerated().allSatisfy { index, c in index == 4 || index == 7 ? c == "-" : c.isNumber }
    }

    /// Reads a status file back (for the CLI and for restarts).
    public static func parse(_ text: String) throws -> StatusDocument {
        // Plain scalars stay strings (no regex tag resolution); statusValue reads numbers and booleans by style.
        guard let root = try Yams.compose(yaml: text, .basic), case .mapping(let mapping) = root else {
            throw ResourceError(SourceLocation(file: "status", document: 1), "not a status document")
        }
        guard let kindName = mapping["kind"]?.string, let kind = ResourceKind(rawValue: kindName),
              let name = mapping["metadata"]?.mapping?["name"]?.string else {
            throw ResourceError(SourceLocation(file: "status", document: 1), "status document lacks kind or metadata.name")
        }
        let namespace = mapping["metadata"]?.mapping?["namespace"]?.string ?? "default"
        var status = ResourceStatus(phase: .pending, message: "")
        if let body = mapping["status"]?.mapping {
            for (key, value) in body {
                guard let key = key.string else { continue }
                switch key {
                case "status": status.phase = value.string.flatMap(ResourceStatus.Phase.init(rawValue:)) ?? .pending
                case "message": status.message = value.string ?? ""
                case "conditions":
                    status.conditions = (value.sequence ?? []).compactMap { item in
                        guard let m = item.mapping else { return nil }
                        return ResourceStatus.Condition(
                            type: m["type"]?.string ?? "", status: m["status"]?.string ?? "Unknown",
                            reason: m["reason"]?.string ?? "", message: m["message"]?.string ?? "",
                            lastTransitionTime: m["lastTransitionTime"]?.string.flatMap(date(from:)) ?? Date(timeIntervalSince1970: 0))
                    }
                default: status.fields.append(StatusField(key, statusValue(value)))
                }
            }
        }
        return StatusDocument(id: ResourceID(kind, name), namespace: namespace, status: status, body: Self.bodyText(of: text),
                              uid: mapping["metadata"]?.mapping?["uid"]?.string)
    }

    /// The text from the line `spec:` to the next top-level key: the body exactly as `yaml()` wrote it.
    static func bodyText(of text: String) -> String {
        guard let start = text.range(of: "\nspec:\n") else { return "" }
        let from = text.index(after: start.lowerBound)
        var end = text.endIndex
        var cursor = start.upperBound
        while cursor < text.endIndex {
            let lineEnd = text[cursor...].firstIndex(of: "\n").map { text.index(after: $0) } ?? text.endIndex
            if let first = text[cursor..<lineEnd].first, first != " ", first != "-", first != "\n" { end = cursor; break }
            cursor = lineEnd
        }
        return String(text[from..<end])
    }

    static func statusValue(_ node: Node) -> StatusValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.tag.rawValue == Tag.Name.int.rawValue || scalar.tag.rawValue == Tag.Name.bool.rawValue {
                if let i = Int(scalar.string) { return .int(i) }
                if scalar.string == "true" { return .bool(true) }
                if scalar.string == "false" { return .bool(false) }
            }
            return .string(scalar.string)
        case .sequence(let items): return .list(items.map(statusValue))
        case .mapping(let mapping): return .map(mapping.compactMap { k, v in k.string.map { StatusField($0, statusValue(v)) } })
        case .alias: return .string("")
        }
    }
}
