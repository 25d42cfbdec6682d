import FoundationEssentials
import Resources
import SiteFiles

/// What the agent knows of one AccessToken's redemption, persisted in `runtime/state/tokens/<name>.json`
/// so a redeemed or rejected token is not sent again after a restart.
struct TokenState: Codable, Hashable, Sendable {
    enum Phase: String, Codable, Sendable {
        case pending
        case redeemed
        /// The granting site refused it: never retried until the token changes.
        case rejected
    }

    var url: String
    var code: String
    var phase: Phase
    var message: String
    var attempts: Int = 0
    /// When the next attempt may start (after a failure that may pass).
    var retryAt: Date?
    /// When the failures that are being retried began (the retry deadline counts from it).
    var firstFailure: Date?
    /// Whether an attempt is under way (not persisted meaningfully).
    var inFlight = false

    /// Whether this state belongs to the given token contents.
    func matches(_ spec: AccessTokenSpec) -> Bool { url == spec.url && code == spec.code }

    /// The token's status.
    var status: ResourceStatus {
        switch phase {
        case .redeemed:
            var status = ResourceStatus.ready(fields: [StatusField(StatusKey.redeemed, .bool(true))])
            status.conditions = [.init(type: "Redeemed", status: "True", reason: "Ready", message: "OK")]
            return status
        case .rejected:
            var status = ResourceStatus.error(message, fields: [StatusField(StatusKey.redeemed, .bool(false))])
            status.conditions = [.init(type: "Redeemed", status: "False", reason: "Error", message: message)]
            return status
        case .pending:
            return .pending(message, fields: [StatusField(StatusKey.redeemed, .bool(false))])
        }
    }

    static func load(_ directory: URL) -> [String: TokenState] {
        var states: [String: TokenState] = [:]
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasSuffix(".json") {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)),
                var state = try? decoder.decode(TokenState.self, from: data)
            else { continue }
            state.inFlight = false
            states[String(name.dropLast(5))] = state
        }
        return states
    }

    func save(name: String, in directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try PrivateDirectory.create(directory)
        try AtomicFile.write(try encoder.encode(self), to: directory.appendingPathComponent("\(name).json"), mode: 0o600)
    }
}
