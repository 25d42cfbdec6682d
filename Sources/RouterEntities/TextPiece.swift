/// A piece of a file's text to write after the others: as it is, or packed (a run of a large configuration's
/// entities, unpacked only while it is written).
public enum TextPiece: Sendable, ExpressibleByStringLiteral {
    case text(String)
    case packed(PackedText)

    public init(stringLiteral value: String) { self = .text(value) }

    /// The piece's length in UTF-8 bytes.
    public var utf8Count: Int {
        switch self {
        case .text(let text): text.utf8.count
        case .packed(let packed): packed.count
        }
    }

    /// The piece's text.
    public var string: String {
        switch self {
        case .text(let text): text
        case .packed(let packed): packed.text
        }
    }

    /// Calls `body` with the piece's UTF-8 bytes.
    public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch self {
        case .text(var text): try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        case .packed(let packed): try packed.withUTF8(body)
        }
    }
}
