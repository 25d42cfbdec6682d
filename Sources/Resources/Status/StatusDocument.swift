import FoundationEssentials
import HostSupport

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
        return BlockYAMLWriter.document(.map(pairs))
    }

    /// The status file name for a resource.
    public static func fileName(for id: ResourceID) -> String { "\(id.kind.rawValue)-\(id.name).yaml" }

    /// RFC 3339 timestamps as Kubernetes writes them.
    public static func timestamp(_ date: Date) -> String { UTCTimestamp.string(date) }

    /// Parses an RFC 3339 timestamp.
    public static func date(from text: String) -> Date? { UTCTimestamp.date(text) }

    /// The YAML text written to disk.
    public func yaml() -> String {
        var fields: [StatusField] = [StatusField("status", .string(status.phase.rawValue)), StatusField("message", .string(status.message))]
        fields += status.fields
        if !status.conditions.isEmpty {
            fields.append(
                StatusField(
                    "conditions",
                    .list(
                        status.conditions.map { condition in
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

    /// Whether a plain scalar would read back as something other than a string (number, bool, timestamp). Bytes are
    /// looked at first: this runs for every string of every status file written.
    static func looksTyped(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return true }
        let digit = first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
        // Only these can begin a number (Double also reads inf, infinity and nan).
        if digit || "+-.iInN".utf8.contains(first), Int(text) != nil || Double(text) != nil { return true }
        if text.utf8.count <= 5, ["true", "false", "yes", "no", "on", "off", "null", "~"].contains(text.lowercased()) { return true }
        guard digit else { return false }
        let head = Array(text.utf8.prefix(10))
        return head.count == 10
            && head.enumerated().allSatisfy { index, byte in
                index == 4 || index == 7 ? byte == UInt8(ascii: "-") : byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            }
    }

    /// Reads a status file back (for the CLI and for restarts).
    public static func parse(_ text: String) throws -> StatusDocument {
        try parse(bytes: Array(text.utf8))
    }

    /// Reads a status file's bytes back (a restart reads thousands, straight from the file).
    public static func parse(bytes: [UInt8]) throws -> StatusDocument {
        // The body is kept as text, so only what is around it is read as YAML.
        let body = bodyRange(of: bytes)
        let rest = body.map { Array(bytes[..<$0.lowerBound] + bytes[$0.upperBound...]) } ?? bytes
        // The agent's own files are read by a reader of their shape; others (v2's, hand-edited) by libyaml. Plain
        // scalars stay strings either way (no tag resolution); statusValue reads numbers and booleans by style.
        let document = try StatusFileReader.read(rest[...]) ?? YAMLReader.documents(String(decoding: rest, as: UTF8.self)).first
        guard let root = document, case .mapping(let mapping) = root else {
            throw ResourceError(SourceLocation(file: "status", document: 1), "not a status document")
        }
        let metadata = mapping["metadata"]?.mapping
        guard let kindName = mapping["kind"]?.string, let kind = ResourceKind(rawValue: kindName),
            let name = metadata?["name"]?.string
        else {
            throw ResourceError(SourceLocation(file: "status", document: 1), "status document lacks kind or metadata.name")
        }
        let namespace = metadata?["namespace"]?.string ?? "default"
        var status = ResourceStatus(phase: .pending, message: "")
        if let body = mapping["status"]?.mapping {
            for (key, value) in body.pairs {
                guard let key = key.string else { continue }
                switch key {
                case "status": status.phase = value.string.flatMap(ResourceStatus.Phase.init(rawValue:)) ?? .pending
                case "message": status.message = value.string ?? ""
                case "conditions":
                    status.conditions = (value.items ?? []).compactMap { item in
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
        return StatusDocument(
            id: ResourceID(kind, name), namespace: namespace, status: status,
            body: body.map { String(decoding: bytes[$0], as: UTF8.self) } ?? "",
            uid: metadata?["uid"]?.string)
    }

    /// Where the body is in a status file's bytes: from the line `spec:` to the next top-level key, exactly as `yaml()`
    /// wrote it (a byte scan: Foundation's `range(of:)` goes through NSString).
    static func bodyRange(of bytes: [UInt8]) -> Range<Int>? {
        let marker = Array("\nspec:\n".utf8)
        guard bytes.count >= marker.count,
            let at = (0...(bytes.count - marker.count)).first(where: { bytes[$0] == marker[0] && bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
        else { return nil }
        var end = bytes.count
        var cursor = at + marker.count
        while cursor < bytes.count {
            let first = bytes[cursor]
            if first != UInt8(ascii: " "), first != UInt8(ascii: "-"), first != UInt8(ascii: "\n") {
                end = cursor
                break
            }
            cursor = (bytes[cursor...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count - 1) + 1
        }
        return (at + 1)..<end
    }

    static func statusValue(_ node: YAMLNode) -> StatusValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.tag == YAMLNode.intTag || scalar.tag == YAMLNode.boolTag {
                if let i = Int(scalar.string) { return .int(i) }
                if scalar.string == "true" { return .bool(true) }
                if scalar.string == "false" { return .bool(false) }
            }
            return .string(scalar.string)
        case .sequence(let sequence): return .list(sequence.items.map(statusValue))
        case .mapping(let mapping): return .map(mapping.pairs.compactMap { k, v in k.string.map { StatusField($0, statusValue(v)) } })
        }
    }
}
