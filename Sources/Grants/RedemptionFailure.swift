/// Why a redemption was refused: the HTTP status and text Skupper v2's grant server answers with.
public struct RedemptionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status) \(message)" }

    public static let methodNotAllowed = RedemptionFailure(405, "Only POST is supported")
    public static let badBody = RedemptionFailure(400, "Request body not valid")
    public static let tooLarge = RedemptionFailure(413, "Request body too large")
    public static let noSuchClaim = RedemptionFailure(404, "No such claim")
    public static let exhausted = RedemptionFailure(404, "No such access granted")
    public static let refused = RedemptionFailure(403, "Redemption of access token refused")
    public static let internalError = RedemptionFailure(503, "Internal error")
    public static let tooManyFailures = RedemptionFailure(429, "Too many failed redemption attempts; try again later")
}
