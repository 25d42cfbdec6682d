/// Which revision of an sslProfile's credentials the router is to use (`ordinal`), and the oldest revision whose
/// connections it may keep (`oldestValidOrdinal`): skupper-router's certificate rotation, rendered as Skupper v2
/// renders it (both left out while zero).
public struct TLSOrdinal: Sendable, Hashable, Codable {
    public var ordinal: Int
    public var oldestValid: Int

    public init(ordinal: Int = 0, oldestValid: Int = 0) {
        self.ordinal = ordinal
        self.oldestValid = oldestValid
    }

    /// The next revision: connections `priorValidRevisions` revisions older than it may stay, older ones are closed
    /// (Skupper v2's `tls-prior-valid-revisions`).
    public func advanced(priorValidRevisions: Int) -> TLSOrdinal {
        let next = ordinal + 1
        return TLSOrdinal(ordinal: next, oldestValid: max(oldestValid, next - max(priorValidRevisions, 0)))
    }
}
