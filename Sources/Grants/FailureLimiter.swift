import Foundation
import Synchronization

/// Slows down code guessing: after `limit` refused redemptions from one address within `window`, further
/// attempts from it are refused (429) until the window has passed.
public final class FailureLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limit: Int = 10, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Whether `address` may try now.
    public func allows(_ address: String, now: Date = Date()) -> Bool {
        failures.withLock { table in
            let recent = (table[address] ?? []).filter { now.timeIntervalSince($0) < window }
            table[address] = recent.isEmpty ? nil : recent
            return recent.count < limit
        }
    }

    /// Records a refused attempt from `address`.
    public func recordFailure(_ address: String, now: Date = Date()) {
        failures.withLock { table in
            var recent = (table[address] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            table[address] = recent
            if table.count > 10_000 { table = table.filter { !$0.value.isEmpty && now.timeIntervalSince($0.value.last!) < window } }
        }
    }
}
