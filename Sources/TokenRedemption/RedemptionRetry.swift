import FoundationEssentials
import HostSupport

/// How a redemption that failed for a passing reason (the service unreachable, or answering 5xx while it starts)
/// is tried again: waits that double from `initialDelay` up to `maximumDelay`, and no attempt later than `deadline`
/// after the first failure. Pure arithmetic: whoever redeems schedules the attempts (the agent does it from its
/// loop, so a wait never holds anything up and a stop cancels nothing but timers).
public struct RedemptionRetry: Sendable, Hashable {
    /// The wait after the first failure.
    public var initialDelay: TimeInterval
    /// The longest wait between two attempts.
    public var maximumDelay: TimeInterval
    /// How long after the first failure attempts may still start.
    public var deadline: TimeInterval

    /// One second, doubling to a minute, for up to an hour: long enough for a granting site that is being set up
    /// or restarted, short enough that a token whose service is gone for good ends in an error.
    public static let standard = RedemptionRetry(initialDelay: 1, maximumDelay: 60, deadline: 3600)

    public init(initialDelay: TimeInterval, maximumDelay: TimeInterval, deadline: TimeInterval) {
        self.initialDelay = max(0, initialDelay)
        self.maximumDelay = max(self.initialDelay, maximumDelay)
        self.deadline = max(0, deadline)
    }

    /// The wait before the next attempt after `failures` (1 or more) failed ones, the first of them at
    /// `firstFailure`; nil when that attempt would start after the deadline.
    public func delay(afterFailures failures: Int, firstFailure: Date, now: Date) -> TimeInterval? {
        let delay = Backoff.delay(afterFailures: failures, initial: initialDelay, maximum: maximumDelay)
        guard now.addingTimeInterval(delay) <= firstFailure.addingTimeInterval(deadline) else { return nil }
        return delay
    }
}
