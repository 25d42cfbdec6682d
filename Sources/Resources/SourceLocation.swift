/// Where a resource or a problem comes from: a file, a document within it, and a line.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as the user named it (relative to the resource directory where possible).
    public var file: String
    /// The 1-based index of the YAML document within a multi-document file.
    public var document: Int
    /// The 1-based line, when known.
    public var line: Int?

    public init(file: String, document: Int, line: Int? = nil) {
        self.file = file
        self.document = document
        self.line = line
    }

    public var description: String {
        var text = "\(file): document \(document)"
        if let line { text += ", line \(line)" }
        return text
    }
}
