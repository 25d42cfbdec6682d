import SiteFiles
import Synchronization

/// A management connection to one router, kept open between calls and opened again when it was lost (the router
/// restarted). Calls run on a thread of their own, one at a time; each waits at most its timeout.
public final class ManagementClient: Sendable {
    public let endpoint: ManagementEndpoint
    private let session: Mutex<ProtonSession>

    public init(endpoint: ManagementEndpoint) {
        self.endpoint = endpoint
        session = Mutex(ProtonSession(endpoint: endpoint))
    }

    /// Sends the requests in order and returns each one's answer (or why it got none).
    public func perform(_ requests: [ManagementRequest], timeout: Duration = .seconds(2)) async throws -> [Result<ManagementResponse, ManagementError>] {
        try await Offload.run { [self] in
            self.session.withLock { $0.perform(requests, timeout: timeout) }
        }
    }

    /// One request's answer; a failed one (no answer, or a status outside 2xx) throws.
    public func perform(_ request: ManagementRequest, timeout: Duration = .seconds(2)) async throws -> ManagementResponse {
        let answer = try await perform([request], timeout: timeout)[0].get()
        guard answer.succeeded else {
            throw ManagementError("\(request.operation) \(request.entityType)\(request.name.map { " \($0)" } ?? ""): \(answer.statusCode) \(answer.statusDescription)")
        }
        return answer
    }

    /// Whether the connection is open (as of the last call).
    public var isConnected: Bool { session.withLock { $0.isOpen } }

    /// Closes the connection (the next call opens it again).
    public func disconnect() async {
        _ = try? await Offload.run { [self] in self.session.withLock { $0.disconnect() } }
    }
}
