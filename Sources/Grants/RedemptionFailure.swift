/// Why a redemption was refused: the HTTP status and text Skupper v2's grant server answers with.
public struct RedemptionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var message: String
    /// Seconds after which trying again may be answered otherwise (`Retry-After`), for a refusal that passes.
    public var retryAfter: Int?

    public init(_ status: Int, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status) \(message)" }

    public static let methodNotAllowed = RedemptionFailure(405, "Only POST is supported")
    public static let tooLarge = RedemptionFailure(413, "Request body too large")
    public static let noSuchClaim = RedemptionFailure(404, "No such claim")
    public static let exhausted = RedemptionFailure(404, "No such access granted")
    public static let refused = RedemptionFailure(403, "Redemption of access token refused")
    public static let internalError = RedemptionFailure(503, "Internal error", retryAfter: 5)
    /// The failure limiter refuses the client for now: `retryAfter` is the limiter's window.
    public static func tooManyFailures(retryAfter: Int) -> RedemptionFailure {
        RedemptionFailure(429, "Too many failed redemption attempts; try again later", retryAfter: retryAfter)
    }
    /// The agent has not given the server a site to answer for yet.
    public static let siteNotDefined = RedemptionFailure(500, "Site not yet defined")

    /// The `name` header is not a name a Link and a Secret can take.
    public static func invalidName(_ name: String) -> RedemptionFailure {
        let shown = name.count > 80 ? name.prefix(80) + "..." : Substring(name)
        return RedemptionFailure(
            400,
            "Invalid name \"\(shown)\": a name must be a lowercase RFC 1123 subdomain (lower case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)"
        )
    }
}
