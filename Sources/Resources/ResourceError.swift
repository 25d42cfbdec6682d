/// A problem with a resource file: it names the file, the document, the line and the field.
public struct ResourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public var location: SourceLocation
    /// The dotted path of the offending field (`spec.port`), or nil for a whole-document problem.
    public var field: String?
    /// What is wrong, in words.
    public var message: String
    /// Whether the problem is the host's, not the file's (descriptors or memory out): reading again later can help.
    public var passing = false

    public init(_ location: SourceLocation, field: String? = nil, _ message: String) {
        self.location = location
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(location): \(field): \(message)" }
        return "\(location): \(message)"
    }
}
