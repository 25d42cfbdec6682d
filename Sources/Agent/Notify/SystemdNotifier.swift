import CSystemd
import Foundation

/// Talks to the service manager through libsystemd's sd_notify: readiness, status lines, reloads, stopping,
/// and watchdog keep-alives. Silent (and harmless) when `NOTIFY_SOCKET` is not set.
public struct SystemdNotifier: Sendable {
    public init() {}

    /// Whether a service manager is listening (NOTIFY_SOCKET is set).
    public var isEnabled: Bool { ProcessInfo.processInfo.environment["NOTIFY_SOCKET"].map { !$0.isEmpty } ?? false }

    /// Sends a raw notification ("READY=1\nSTATUS=..."); returns false when it could not be delivered.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        sd_notify(0, state) >= 0
    }

    /// READY=1 with a status line.
    @discardableResult
    public func ready(status: String) -> Bool { notify("READY=1\nSTATUS=\(Self.oneLine(status))") }

    /// A STATUS= line.
    @discardableResult
    public func status(_ text: String) -> Bool { notify("STATUS=\(Self.oneLine(text))") }

    /// RELOADING=1 with the monotonic timestamp systemd's reload protocol asks for.
    @discardableResult
    public func reloading() -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        return notify("RELOADING=1\nMONOTONIC_USEC=\(usec)\nSTATUS=Reloading configuration")
    }

    /// STOPPING=1.
    @discardableResult
    public func stopping() -> Bool { notify("STOPPING=1\nSTATUS=Stopping") }

    /// WATCHDOG=1.
    @discardableResult
    public func watchdog() -> Bool { notify("WATCHDOG=1") }

    /// The keep-alive interval: half of WATCHDOG_USEC when the watchdog is enabled for this process.
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec / 2))
    }

    static func oneLine(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: " ") }
}
