import CProton
import HostSupport
import Synchronization

/// A management connection to one router, kept open between calls and opened again when it was lost (the router
/// restarted). Calls run one at a time on the connection's own long-lived thread (its proactor's); each waits at
/// most its timeout.
public final class ManagementClient: Sendable {
    public let endpoint: ManagementEndpoint
    private let session: Mutex<ProtonSession>
    /// The session's proactor, to interrupt a call from another thread (its caller cancelled).
    nonisolated(unsafe) private let proactor: OpaquePointer
    private let thread = SerialThread(name: "management")

    public init(endpoint: ManagementEndpoint) {
        self.endpoint = endpoint
        let session = ProtonSession(endpoint: endpoint)
        proactor = session.proactor
        self.session = Mutex(session)
    }

    /// Sends the requests in order and returns each one's answer (or why it got none).
    /// A cancelled caller interrupts the call and waits for it to end (at once): Proton and OpenSSL must not be
    /// left running on a thread of their own while the process exits, which tears OpenSSL down under them.
    public func perform(_ requests: [ManagementRequest], timeout: Duration = .seconds(2)) async throws -> [Result<ManagementResponse, ManagementError>] {
        let interrupt = ProactorInterrupt(proactor: proactor)
        let results = await thread.run(
            { [self] in
                self.session.withLock { $0.perform(requests, timeout: timeout, interrupt: interrupt) }
            }, onCancel: { interrupt.fire() })
        try Task.checkCancellation()
        return results
    }

    /// One request's answer; a failed one (no answer, or a status outside 2xx) throws.
    public func perform(_ request: ManagementRequest, timeout: Duration = .seconds(2)) async throws -> ManagementResponse {
        let answer = try await perform([request], timeout: timeout)[0].get()
        guard answer.succeeded else {
            throw ManagementError(
                "\(request.operation) \(request.entityType)\(request.name.map { " \($0)" } ?? ""): \(answer.statusCode) \(answer.statusDescription)")
        }
        return answer
    }

    /// Whether the connection is open (as of the last call).
    public var isConnected: Bool { session.withLock { $0.isOpen } }

    /// Closes the connection (the next call opens it again).
    public func disconnect() async {
        await thread.run { [self] in self.session.withLock { $0.disconnect() } }
    }
}
