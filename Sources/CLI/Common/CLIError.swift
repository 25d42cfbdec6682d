/// A command failure: printed as one `Error: <message>` line on standard error, then optional hint lines.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// Extra lines printed after the error (what to do about it).
    public var hints: [String]

    public init(_ message: String, hints: [String] = []) {
        self.message = message
        self.hints = hints
    }

    public var description: String { message }
}
