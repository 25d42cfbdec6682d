import CProton
import HostSupport
import Synchronization

/// A management connection to one router, kept open between calls and opened again when it was lost (the router
/// restarted). Calls run one at a time on the connection's own long-lived thread (its proactor's); each waits at
/// most its timeout. With a `FlowListener`, the same connection follows the network's flow records between calls.
public final class ManagementClient: Sendable {
    public let endpoint: ManagementEndpoint
    private let thread: ConnectionThread
    private let connected = Atomic<Bool>(false)

    public init(endpoint: ManagementEndpoint, flows: FlowListener? = nil) {
        self.endpoint = endpoint
        thread = ConnectionThread(name: "management", session: ProtonSession(endpoint: endpoint, flows: flows), pumps: flows != nil)
    }

    deinit { thread.stop() }

    /// Ends the connection's thread once its calls have run (later calls fail at once).
    public func close() { thread.stop() }

    /// Waits (at most `timeout`) until the thread of every closed or released client has ended and freed its
    /// connection: called before the process exits. False if one is still running.
    public static func waitForClosedConnections(timeout: Duration) async -> Bool {
        await ConnectionThread.waitForStoppedThreads(timeout: timeout)
    }

    /// Sends the requests in order and returns each one's answer (or why it got none).
    /// A cancelled caller interrupts the call and waits for it to end (at once): Proton and OpenSSL must not be
    /// left running on a thread of their own while the process exits, which tears OpenSSL down under them.
    public func perform(_ requests: [ManagementRequest], timeout: Duration = .seconds(2)) async throws -> [Result<ManagementResponse, ManagementError>] {
        let interrupt = ProactorInterrupt(wake: { [thread] in thread.interrupt() })
        let results = await thread.run(
            { [self] session in
                let results = session.perform(requests, timeout: timeout, interrupt: interrupt)
                self.connected.store(session.isOpen, ordering: .releasing)
                return results
            }, onCancel: { interrupt.fire() })
        try Task.checkCancellation()
        return results ?? requests.map { _ in .failure(ManagementError("the management connection was closed")) }
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
    public var isConnected: Bool { connected.load(ordering: .acquiring) }

    /// Wakes the connection's thread: its flow listener has commands for it.
    public func wake() { thread.wake() }

    /// Closes the connection (the next call opens it again).
    public func disconnect() async {
        _ = await thread.run { [self] session in
            session.disconnect()
            self.connected.store(false, ordering: .releasing)
        }
    }
}
