import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Turns the text of a resource file into resources, or into errors that name file, document, line and field.
public enum ResourceLoader {
    /// What one file yields: its resources, and documents skipped with a warning (unknown kinds).
    public struct FileContents: Sendable, Hashable {
        public var resources: [Resource]
        public var warnings: [ResourceError]

        public init(resources: [Resource] = [], warnings: [ResourceError] = []) {
            self.resources = resources
            self.warnings = warnings
        }
    }

    /// The largest file the loader reads; bigger files are refused rather than parsed.
    public static let maximumFileSize = 16 * 1024 * 1024
    /// The deepest nesting accepted in a document.
    public static let maximumDepth = 64

    /// File name endings the loader reads.
    public static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Whether a file name is one the loader reads (not hidden, not an editor's temporary file).
    public static func isResourceFile(_ name: String) -> Bool {
        guard !name.hasPrefix("."), !name.hasSuffix("~"), let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// Reads and parses a file from disk (symbolic links followed only to regular files in the same directory).
    /// `displayName` is how errors name it.
    public static func load(contentsOf url: URL, displayName: String) throws(ResourceError) -> FileContents {
        guard let contents = try load(url.lastPathComponent, in: url.deletingLastPathComponent(), displayName: displayName) else {
            throw ResourceError(SourceLocation(file: displayName, document: 1), "cannot read file: it does not exist")
        }
        return contents
    }

    /// Reads and parses `name` in `directory` through `InputFile`; nil when nothing of that name exists. What stands
    /// there and cannot be read (a directory, a FIFO, a dangling or escaping link) is an error, not an absence.
    public static func load(_ name: String, in directory: URL, displayName: String) throws(ResourceError) -> FileContents? {
        switch InputFile.read(name, in: directory, displayName: displayName) {
        case nil: return nil
        case .failure(let error): throw error
        case .success(let data): return try parse(data, file: displayName)
        }
    }

    /// Parses a file's bytes: UTF-8 YAML or JSON, one or more documents.
    public static func parse(_ data: Data, file: String) throws(ResourceError) -> FileContents {
        guard data.count <= maximumFileSize else {
            throw ResourceError(SourceLocation(file: file, document: 1), "file is \(data.count) bytes, larger than the \(maximumFileSize) byte limit")
        }
        // A byte scan for NUL: Foundation's `String.contains` goes through NSString.
        guard !data.withUnsafeBytes({ $0.baseAddress.map { memchr($0, 0, data.count) != nil } ?? false }), let text = String(data: data, encoding: .utf8) else {
            throw ResourceError(SourceLocation(file: file, document: 1), "not a text file (invalid UTF-8 or binary content)")
        }
        return try parse(text, file: file)
    }

    /// Parses YAML text: one or more documents separated by `---`.
    public static func parse(_ text: String, file: String) throws(ResourceError) -> FileContents {
        var contents = FileContents()
        var names: [ResourceID: Int] = [:]
        // Aliases are bounded before the text is read: reading (and comparing keys) walks what they expand to.
        if let error = AliasBudget.check(text, file: file) { throw error }
        let reader = YAMLReader(text, maximumDepth: maximumDepth, maximumNodes: AliasBudget.maximumNodesPerDocument)
        while true {
            let node: YAMLNode
            do {
                guard let next = try reader.next() else { break }
                node = next
            } catch {
                throw syntaxError(error, file: file)
            }
            let origin = SourceLocation(file: file, document: reader.document)
            do {
                let log = FieldLog()
                guard let resource = try decode(node, origin: origin, log: log) else { continue }
                contents.warnings += log.unknownFields(in: node, origin: resource.source ?? origin)
                if let previous = names[resource.id] {
                    throw ResourceError(
                        resource.source ?? origin, field: "metadata.name",
                        "duplicate \(resource.kind.rawValue) \"\(resource.name)\" (also in document \(previous))")
                }
                names[resource.id] = origin.document
                contents.resources.append(resource)
            } catch let error as UnknownKind {
                contents.warnings.append(error.warning)
            } catch let error as ResourceError {
                throw error
            } catch {
                throw ResourceError(origin, "\(error)")
            }
        }
        return contents
    }

    struct UnknownKind: Error { let warning: ResourceError }

    /// Decodes one document; nil for an empty document.
    static func decode(_ node: YAMLNode, origin: SourceLocation, log: FieldLog? = nil) throws -> Resource? {
        if node.isNull { return nil }
        guard case .mapping = node else {
            throw ResourceError(
                SourceLocation(file: origin.file, document: origin.document, line: node.line),
                "expected a resource (a mapping with apiVersion, kind, metadata), found \(FieldReader.describe(node))")
        }
        var origin = origin
        origin.line = node.line
        let root = FieldReader(node: node, path: "", origin: origin, log: log)
        let kindName = try root.requiredString("kind")
        guard let kind = ResourceKind(rawValue: kindName) else {
            throw UnknownKind(
                warning: root.error(
                    "kind", "unknown kind \"\(kindName)\"; document skipped (known kinds: \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        // The kind's own apiVersion is its constant, not a copy per resource (thousands of resources carry it).
        let written = try root.string("apiVersion")
        let apiVersion = written == nil || written == kind.apiVersion ? kind.apiVersion : written!
        guard kind.acceptedAPIVersions.contains(apiVersion) else {
            throw root.error("apiVersion", "unsupported apiVersion \"\(apiVersion)\" for \(kind.rawValue) (expected \(kind.apiVersion))")
        }
        guard let meta = try root.mapping("metadata") else { throw root.error("metadata", "is required") }
        let name = try meta.requiredString("name")
        if kind == .secret {
            guard ObjectMeta.isValidName(name) else {
                throw meta.error("name", ObjectMeta.nameError(name))
            }
        } else {
            guard ObjectMeta.isValidLabel(name) else { throw meta.error("name", ObjectMeta.labelError(name)) }
        }
        let metadata = ObjectMeta(
            name: name, namespace: try meta.string("namespace"),
            labels: try meta.stringMap("labels"), annotations: try meta.stringMap("annotations"),
            uid: try meta.string("uid"))
        let spec: ResourceSpec
        switch kind {
        case .secret: spec = .secret(try SecretSpec(reading: root))
        case .tokenRequest: spec = .tokenRequest(try TokenRequestSpec(reading: root))
        default:
            let specReader = try root.mapping("spec") ?? FieldReader(node: .mapping(.init()), path: "spec", origin: origin, log: log)
            switch kind {
            case .site: spec = .site(try SiteSpec(reading: specReader))
            case .listener: spec = .listener(try ListenerSpec(reading: specReader))
            case .connector: spec = .connector(try ConnectorSpec(reading: specReader))
            case .multiKeyListener: spec = .multiKeyListener(try MultiKeyListenerSpec(reading: specReader))
            case .link: spec = .link(try LinkSpec(reading: specReader))
            case .routerAccess: spec = .routerAccess(try RouterAccessSpec(reading: specReader))
            case .certificate: spec = .certificate(try CertificateSpec(reading: specReader))
            case .securedAccess: spec = .securedAccess(try SecuredAccessSpec(reading: specReader))
            case .accessGrant: spec = .accessGrant(try AccessGrantSpec(reading: specReader))
            case .accessToken: spec = .accessToken(try AccessTokenSpec(reading: specReader))
            case .secret, .tokenRequest: fatalError("handled above")
            }
        }
        return Resource(apiVersion: apiVersion, metadata: metadata, spec: spec, source: origin)
    }

    /// A syntax error, or a document too deep or too large, located.
    static func syntaxError(_ failure: YAMLReader.Failure, file: String) -> ResourceError {
        let location = SourceLocation(file: file, document: failure.document, line: failure.line > 0 ? failure.line : nil)
        let column = failure.column > 0 ? " (column \(failure.column))" : ""
        return ResourceError(location, failure.overLimit ? failure.problem : "invalid YAML: \(failure.problem)\(column)")
    }
}
