import FoundationEssentials

/// A grant's redemption state, persisted so counts survive restarts (`runtime/state/grants/<name>.json`).
public struct GrantRecord: Sendable, Hashable, Codable {
    /// The grant's name (an AccessGrant's metadata.name, or `tokenrequest-<name>` for a TokenRequest).
    public var name: String
    /// The id in the grant's URL path.
    public var uid: String
    public var code: String
    public var expirationTime: Date
    public var redemptionsAllowed: Int
    public var redemptions: Int

    public init(name: String, uid: String, code: String, expirationTime: Date, redemptionsAllowed: Int, redemptions: Int = 0) {
        self.name = name
        self.uid = uid
        self.code = code
        self.expirationTime = expirationTime
        self.redemptionsAllowed = redemptionsAllowed
        self.redemptions = redemptions
    }

    /// Whether the window has closed.
    public func isExpired(at now: Date) -> Bool { expirationTime <= now }
    /// Whether every allowed redemption is used.
    public var isExhausted: Bool { redemptions >= redemptionsAllowed }
}
