import Synchronization

/// Whether the agent is ready: its loop runs and has applied the first read. `/healthz` answers from it.
public final class AgentHealth: Sendable {
    private let ready = Mutex(false)

    public init() {}

    /// True from the first reconcile until the agent stops.
    public var isReady: Bool { ready.withLock { $0 } }

    func set(ready value: Bool) { ready.withLock { $0 = value } }
}
