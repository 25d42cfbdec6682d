import CSystemd
import FoundationEssentials
import HostSupport

/// Delivers sd_notify messages on a thread of its own, so a service manager (or a test) that stops reading
/// its socket never blocks the agent: sd_notify's send blocks when the socket's queue is full. While messages
/// wait, a newer status line replaces an older one and keep-alives are not repeated; state changes (READY,
/// RELOADING, STOPPING) are kept in order.
final class NotificationQueue: @unchecked Sendable {
    private let condition = ConditionLock()
    private var pending: [String] = []
    private var sending = false
    private var started = false
    private var lastStatus: String?
    /// Messages dropped because the queue was full of state changes nobody read.
    private(set) var dropped = 0

    /// At most this many messages wait; beyond it the oldest is dropped.
    static let capacity = 64

    /// Queues a message; `status` (its STATUS= text, if any) is remembered so an unchanged status can be skipped.
    func enqueue(_ message: String) {
        condition.lock()
        defer { condition.unlock() }
        if Self.isOnly("STATUS=", message) {
            guard statusText(message) != lastStatus else { return }
            pending.removeAll { Self.isOnly("STATUS=", $0) }
        } else if Self.isOnly("WATCHDOG=", message), pending.contains(message) {
            return
        }
        if let status = statusText(message) { lastStatus = status }
        if pending.count >= Self.capacity {
            pending.removeFirst()
            dropped += 1
        }
        pending.append(message)
        if !started {
            started = true
            OSThread.start(name: "sd_notify") { [self] in run() }
        }
        condition.signal()
    }

    /// Waits until every queued message was handed to the socket, or `timeout` passed; returns whether it drained.
    @discardableResult
    func flush(timeout: TimeInterval) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        condition.lock()
        defer { condition.unlock() }
        while !pending.isEmpty || sending {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty { condition.wait() }
            let message = pending.removeFirst()
            sending = true
            condition.unlock()
            _ = sd_notify(0, message)
            condition.lock()
            sending = false
            condition.broadcast()
            condition.unlock()
        }
    }

    private func statusText(_ message: String) -> String? {
        message.split(separator: "\n").first { $0.hasPrefix("STATUS=") }.map { String($0.dropFirst(7)) }
    }

    /// Whether the message is a single line of the given field.
    private static func isOnly(_ field: String, _ message: String) -> Bool {
        message.hasPrefix(field) && !message.contains("\n")
    }
}
