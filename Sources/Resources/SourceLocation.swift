/// Where a resource or a problem comes from: a file, a document within it, and a line.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as the user named it (relative to the resource directory where possible).
    public var file: String
    /// Held in 32 bits each (every loaded resource keeps its location): a file's documents and lines are bounded far
    /// below that by its size limit. A line of 0 is no line.
    private var storedDocument: Int32
    private var storedLine: Int32

    /// The 1-based index of the YAML document within a multi-document file.
    public var document: Int {
        get { Int(storedDocument) }
        set { storedDocument = Self.clamped(newValue) }
    }

    /// The 1-based line, when known.
    public var line: Int? {
        get { storedLine > 0 ? Int(storedLine) : nil }
        set { storedLine = newValue.map { Self.clamped($0) } ?? 0 }
    }

    public init(file: String, document: Int, line: Int? = nil) {
        self.file = file
        storedDocument = Self.clamped(document)
        storedLine = line.map { Self.clamped($0) } ?? 0
    }

    private static func clamped(_ value: Int) -> Int32 { Int32(clamping: value) }

    public var description: String {
        var text = "\(file): document \(document)"
        if let line { text += ", line \(line)" }
        return text
    }
}
