import CSystemd
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Talks to the service manager through libsystemd's sd_notify: readiness, status lines, reloads, stopping,
/// and watchdog keep-alives. Silent (and harmless) when `NOTIFY_SOCKET` is not set. Messages are sent from a
/// thread of their own (`NotificationQueue`), so a service manager that does not read never stalls the agent.
public struct SystemdNotifier: Sendable {
    let queue: NotificationQueue?

    public init() {
        queue = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"].map { !$0.isEmpty } == true ? NotificationQueue() : nil
    }

    /// Queues a raw notification ("READY=1\nSTATUS=..."); a status line equal to the last one is not sent again.
    public func notify(_ state: String) {
        queue?.enqueue(state)
    }

    /// Waits (up to `timeout`) until every queued notification was handed to the service manager.
    @discardableResult
    public func flush(timeout: TimeInterval = 1) -> Bool { queue?.flush(timeout: timeout) ?? true }

    /// READY=1 with a status line.
    public func ready(status: String) { notify("READY=1\nSTATUS=\(Self.oneLine(status))") }

    /// A STATUS= line.
    public func status(_ text: String) { notify("STATUS=\(Self.oneLine(text))") }

    /// RELOADING=1 with the monotonic timestamp systemd's reload protocol asks for.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        notify("RELOADING=1\nMONOTONIC_USEC=\(usec)\nSTATUS=Reloading configuration")
    }

    /// STOPPING=1.
    public func stopping() { notify("STOPPING=1\nSTATUS=Stopping") }

    /// WATCHDOG=1.
    public func watchdog() { notify("WATCHDOG=1") }

    /// The keep-alive interval: half of WATCHDOG_USEC when the watchdog is enabled for this process.
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec / 2))
    }

    static func oneLine(_ text: String) -> String { text.replacing("\n", with: " ") }
}
