import FoundationEssentials
import HostSupport

#if canImport(Glibc)
    import Glibc
#endif

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

    /// The host still has no room (the probe failed): the next look is in a second, and the failures' count, which
    /// sets the wait between whole reads, does not grow while only the host is short.
    mutating func waitForRoom(now: Date) { retryAt = now.addingTimeInterval(Self.initialDelay) }

    /// Whether the host has room again for what a whole read writes: a small file is created, written and removed in
    /// `directory` (a descriptor and a block). Cheap enough to ask every second while a failure lasts.
    static func hostHasRoom(in directory: String) -> Bool {
        let path = "\(directory)/.room-probe-\(getpid())"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0, count: 4096)
        return block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == block.count && fsync(fd) == 0
    }

    /// An attempt started: no other until it ends (it fails again, or clears the failure), or until the longest
    /// wait has passed without either (a read that brought nothing back).
    mutating func retrying(now: Date) { retryAt = now.addingTimeInterval(Self.maximumDelay) }
}

/// The router's configuration file could not be written beside the loop.
struct RouterConfigWriteFailed: Error, CustomStringConvertible {
    var description: String
}
