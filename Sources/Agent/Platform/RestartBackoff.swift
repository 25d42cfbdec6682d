import FoundationEssentials
import HostSupport

/// When a router that keeps exiting is started again: at once when it dies after running for 10 s or more (the links and
/// flows through it come back before the other routers' next retry), else the first restart a second after its exit
/// is seen, each following one twice as late up to a minute, and the count forgotten once the router has stayed up a
/// minute. Pure arithmetic over the times it is given; the platform stage keeps one.
struct RestartBackoff: Sendable, Hashable {
    var initialDelay: TimeInterval = 1
    var maximumDelay: TimeInterval = 60
    /// How long the router must stay up before its earlier exits stop counting.
    var forgiveAfter: TimeInterval = 60
    /// A router up this long that exits is started again at once.
    var longRun: TimeInterval = 10
    /// Exits seen since the router was last up for `forgiveAfter`.
    private(set) var exits = 0
    /// When the router may be started again, while a restart waits.
    private(set) var restartAt: Date?
    private var upSince: Date?

    /// Records an exit seen at `now`; returns the wait before the restart.
    mutating func exited(now: Date) -> TimeInterval {
        // A router that ran a while is not crashing in a loop: started again at once, whatever died before.
        let ranLong = upSince.map { now.timeIntervalSince($0) >= longRun } == true
        exits += 1
        upSince = nil
        let delay = ranLong ? 0 : Backoff.delay(afterFailures: exits, initial: initialDelay, maximum: maximumDelay)
        restartAt = now.addingTimeInterval(delay)
        return delay
    }

    /// The router was started again (the restart waited for, or one a change asked for).
    mutating func restarted() { restartAt = nil }

    /// Records that the router was seen up at `now`; after `forgiveAfter` of that, earlier exits are forgotten.
    mutating func up(now: Date) {
        guard restartAt == nil else { return }
        let since = upSince ?? now
        upSince = since
        if now.timeIntervalSince(since) >= forgiveAfter { exits = 0 }
    }

    /// Whether a restart waits and its time has come.
    func isDue(now: Date) -> Bool { restartAt.map { $0 <= now } ?? false }

    /// Whether a restart waits and its time has not come.
    func isWaiting(now: Date) -> Bool { restartAt.map { $0 > now } ?? false }
}
