import FoundationEssentials
import HostSupport

/// A change the agent could not apply (a write failed) and when it tries again: the whole input read and applied
/// after 1 s, doubling to 30 s, until one succeeds. Pure bookkeeping over the times it is given.
struct FailedApply: Sendable, Hashable {
    /// Failures so far, and the last one's words.
    private(set) var count = 0
    private(set) var error = ""
    /// When the next whole read starts (while one is under way: when it is given up on and another starts).
    private(set) var retryAt: Date?

    static let initialDelay: TimeInterval = 1
    static let maximumDelay: TimeInterval = 30

    /// The wait before the next attempt.
    var delay: TimeInterval { Backoff.delay(afterFailures: count, initial: Self.initialDelay, maximum: Self.maximumDelay) }

    /// Records a failure at `now`; the next attempt waits `delay`.
    mutating func record(_ error: String, now: Date) {
        count += 1
        self.error = error
        retryAt = now.addingTimeInterval(delay)
    }

    /// Whether the next attempt is due (and none under way).
    func isDue(now: Date) -> Bool { retryAt.map { $0 <= now } ?? false }

    /// An attempt started: no other until it ends (it fails again, or clears the failure), or until the longest
    /// wait has passed without either (a read that brought nothing back).
    mutating func retrying(now: Date) { retryAt = now.addingTimeInterval(Self.maximumDelay) }
}

/// The router's configuration file could not be written beside the loop.
struct RouterConfigWriteFailed: Error, CustomStringConvertible {
    var description: String
}
