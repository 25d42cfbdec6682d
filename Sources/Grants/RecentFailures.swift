import FoundationEssentials

/// Refused attempts per key (an address or a network) within a sliding window, in bounded memory: a key keeps
/// at most `limit` times (all that is needed to know whether the limit is reached), and at most `capacity`
/// keys are kept; when a new key finds no room, expired keys go first, then the half refused least recently.
struct RecentFailures {
    let limit: Int
    let window: TimeInterval
    let capacity: Int
    /// Refusal times per key, oldest first; never empty.
    private(set) var times: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval, capacity: Int) {
        self.limit = max(0, limit)
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// How many refusals of `key` fall within the window ending at `now`.
    mutating func count(_ key: String, now: Date) -> Int {
        guard let recent = times[key] else { return 0 }
        let kept = recent.filter { now.timeIntervalSince($0) < window }
        times[key] = kept.isEmpty ? nil : kept
        return kept.count
    }

    /// Whether `key` is below its limit at `now`.
    mutating func allows(_ key: String, now: Date) -> Bool { count(key, now: now) < limit }

    /// Records a refusal of `key` at `now`.
    mutating func record(_ key: String, now: Date) {
        if times[key] == nil && times.count >= capacity { makeRoom(now: now) }
        var recent = (times[key] ?? []).filter { now.timeIntervalSince($0) < window }
        recent.append(now)
        if recent.count > limit { recent.removeFirst(recent.count - limit) }
        times[key] = recent.isEmpty ? nil : recent
    }

    /// Takes back the latest refusal of `key` (an attempt recorded up front that was not refused after all).
    mutating func forgetLatest(_ key: String) {
        guard var recent = times[key] else { return }
        recent.removeLast()
        times[key] = recent.isEmpty ? nil : recent
    }

    private mutating func makeRoom(now: Date) {
        times = times.filter { now.timeIntervalSince($0.value[$0.value.count - 1]) < window }
        guard times.count >= capacity else { return }
        let newestFirst = times.sorted { $0.value[$0.value.count - 1] > $1.value[$1.value.count - 1] }
        times = Dictionary(uniqueKeysWithValues: newestFirst.prefix(capacity / 2).map { ($0.key, $0.value) })
    }
}
