import TextSupport

/// Reads typed fields out of a YAML mapping, turning every mismatch into a `ResourceError`
/// that names the file, document, line and dotted field path.
public struct FieldReader {
    /// The mapping being read.
    public let node: YAMLNode
    /// The dotted path of this mapping ("" for the document root, "spec", "spec.roles[0]").
    public let path: String
    /// The document this mapping belongs to.
    public let origin: SourceLocation
    /// Where the fields read are noted, when the loader checks for unknown fields.
    let log: FieldLog?

    public init(node: YAMLNode, path: String, origin: SourceLocation) {
        self.init(node: node, path: path, origin: origin, log: nil)
    }

    init(node: YAMLNode, path: String, origin: SourceLocation, log: FieldLog?) {
        self.node = node
        self.path = path
        self.origin = origin
        self.log = log
    }

    /// The dotted path of a child key.
    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// An error about this mapping or one of its keys, located at the key's line when it exists.
    public func error(_ key: String?, _ message: String) -> ResourceError {
        let line = key.flatMap(value)?.line ?? node.line
        return ResourceError(located(line), field: key.map(fieldPath) ?? (path.isEmpty ? nil : path), message)
    }

    /// An error about one item of a list field, located at the item's line (`spec.keys[2]`).
    public func error(_ key: String, index: Int, _ message: String) -> ResourceError {
        let line = value(key)?.items.flatMap { index < $0.count ? $0[index].line : nil } ?? value(key)?.line ?? node.line
        return ResourceError(located(line), field: "\(fieldPath(key))[\(index)]", message)
    }

    /// The document's location at `line`; a node the loader made rather than read (an absent `spec` read as empty)
    /// has line 0, and then the document's own line stands.
    private func located(_ line: Int) -> SourceLocation {
        var location = origin
        if line > 0 { location.line = line }
        return location
    }

    /// The raw child node for a key, nil when absent or explicitly null.
    public func value(_ key: String) -> YAMLNode? {
        guard case .mapping(let mapping) = node, let index = mapping.index(of: key) else { return nil }
        log?.noteRead(mapping, index)
        let child = mapping.pairs[index].1
        return child.isNull ? nil : child
    }

    /// Whether the key is present with a non-null value.
    public func has(_ key: String) -> Bool { value(key) != nil }

    /// A string field; numbers and booleans written without quotes are read as their text.
    public func string(_ key: String) throws -> String? {
        guard let child = value(key) else { return nil }
        guard case .scalar(let scalar) = child else {
            throw error(key, "expected a string, found \(Self.describe(child))")
        }
        return scalar.string
    }

    /// A string field that must be present and non-empty.
    public func requiredString(_ key: String) throws -> String {
        guard let text = try string(key), !text.isEmpty else {
            throw error(key, "is required")
        }
        return text
    }

    /// A field that names another resource (a Secret, a CA): a DNS subdomain name, as Kubernetes requires of object
    /// names, which also makes it a safe file name under `runtime/`. Empty counts as absent.
    public func resourceName(_ key: String) throws -> String? {
        guard let text = try string(key), !text.isEmpty else { return nil }
        guard ObjectMeta.isValidName(text) else { throw error(key, ObjectMeta.nameError(text)) }
        return text
    }

    /// An integer field; a quoted number is accepted, anything else is an error.
    public func int(_ key: String) throws -> Int? {
        guard let child = value(key) else { return nil }
        guard case .scalar(let scalar) = child, let number = Int(scalar.string.trimmingSpaces) else {
            throw error(key, "expected an integer, found \(Self.describe(child))")
        }
        return number
    }

    /// A boolean field (true/false, yes/no as YAML 1.1 allows).
    public func bool(_ key: String) throws -> Bool? {
        guard let child = value(key) else { return nil }
        if case .scalar(let scalar) = child {
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        throw error(key, "expected true or false, found \(Self.describe(child))")
    }

    /// A nested mapping, or nil when absent.
    public func mapping(_ key: String) throws -> FieldReader? {
        guard let child = value(key) else { return nil }
        guard case .mapping = child else {
            throw error(key, "expected a mapping, found \(Self.describe(child))")
        }
        return FieldReader(node: child, path: fieldPath(key), origin: origin, log: log)
    }

    /// A list of mappings.
    public func mappings(_ key: String) throws -> [FieldReader] {
        guard let child = value(key) else { return [] }
        guard case .sequence(let sequence) = child else {
            throw error(key, "expected a list, found \(Self.describe(child))")
        }
        return try sequence.items.enumerated().map { index, item in
            guard case .mapping = item else {
                throw ResourceError(located(item.line), field: "\(fieldPath(key))[\(index)]", "expected a mapping, found \(Self.describe(item))")
            }
            return FieldReader(node: item, path: "\(fieldPath(key))[\(index)]", origin: origin, log: log)
        }
    }

    /// A list of strings.
    public func strings(_ key: String) throws -> [String] {
        guard let child = value(key) else { return [] }
        guard case .sequence(let sequence) = child else {
            throw error(key, "expected a list of strings, found \(Self.describe(child))")
        }
        return try sequence.items.enumerated().map { index, item in
            guard case .scalar(let scalar) = item else {
                throw ResourceError(located(item.line), field: "\(fieldPath(key))[\(index)]", "expected a string, found \(Self.describe(item))")
            }
            return scalar.string
        }
    }

    /// A map of string to string (labels, settings, selectors); scalar values are read as text.
    public func stringMap(_ key: String) throws -> [String: String] {
        if case .mapping(let mapping) = node, let index = mapping.index(of: key) { log?.noteWhole(mapping, index) }
        guard let child = value(key) else { return [:] }
        guard case .mapping(let mapping) = child else {
            throw error(key, "expected a mapping of strings, found \(Self.describe(child))")
        }
        var result: [String: String] = [:]
        for (k, v) in mapping.pairs {
            guard case .scalar(let name) = k else { throw error(key, "expected string keys") }
            switch v {
            case .scalar(let scalar): result[name.string] = scalar.string
            default:
                throw ResourceError(located(v.line), field: "\(fieldPath(key)).\(name.string)", "expected a string, found \(Self.describe(v))")
            }
        }
        return result
    }

    /// A port number field (1-65535).
    public func port(_ key: String, required: Bool) throws -> Int? {
        guard let number = try int(key) else {
            if required { throw error(key, "is required") }
            return nil
        }
        guard (1...65535).contains(number) else {
            throw error(key, "port \(number) is out of range (1-65535)")
        }
        return number
    }

    /// A duration in Go syntax ("15m", "1h30m"), at most `maximum`.
    public func duration(_ key: String, maximum: GoDuration = GoDuration.maximumWindow) throws -> GoDuration? {
        guard let text = try string(key) else { return nil }
        guard let duration = GoDuration(text), duration.seconds >= 0 else {
            throw error(key, "invalid duration \"\(QuotedText.excerpt(text))\" (expected e.g. 15m, 1h30m, 24h)")
        }
        guard duration <= maximum else {
            throw error(key, "\(QuotedText.excerpt(text)) is longer than the longest allowed, \(maximum) (\(maximum.humanReadable))")
        }
        return duration
    }

    /// A required routing key (`RoutingKey`'s rules).
    public func routingKey(_ key: String) throws -> String {
        let text = try requiredString(key)
        if let problem = RoutingKey.problem(text) { throw error(key, problem) }
        return text
    }

    static func describe(_ node: YAMLNode) -> String {
        switch node {
        // Never more than the start of the value's first line: errors are logged and written to input-errors.yaml.
        case .scalar(let scalar): return QuotedText.excerpt(scalar.string)
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
