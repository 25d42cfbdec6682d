import FoundationEssentials

/// A container engine failure, worded for the Site's status and logs.
public struct EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The engine's socket could not be reached (missing, refused, timed out).
        case unreachable
        /// The engine answered with an HTTP error status.
        case status(Int)
        /// The engine's answer could not be understood.
        case protocolError
        /// The request is not supported by this client (for example a tcp:// endpoint).
        case unsupported
    }

    /// The kind of failure.
    public var kind: Kind
    /// The full message.
    public var description: String

    /// Creates an error with a kind and message.
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

}
