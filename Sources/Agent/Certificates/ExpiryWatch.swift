import CoreMetrics
import FoundationEssentials
import Logging

/// Keeps an eye on the certificates' ends: a warning in the journal when one the agent cannot renew comes within
/// 30 days (once for each certificate and end), the seconds left of each as `skupperd_certificate_expiry_seconds`,
/// and whether what the Site status says of them changed (checked at each change and every `interval`).
struct ExpiryWatch {
    let logger: Logger
    /// What the Site status last said: the certificates needing attention.
    private(set) var attention: [Notice] = []
    private var warned: Set<CertificateExpiry> = []
    private var gauges: [String: Gauge] = [:]
    private var lastCheck = Date.distantPast
    /// How often the ends are checked (an hour by default).
    let interval: TimeInterval

    init(logger: Logger, interval: TimeInterval = 3600) {
        self.logger = logger
        self.interval = interval
    }

    /// Whether a check is due.
    func isDue(now: Date) -> Bool { now.timeIntervalSince(lastCheck) >= interval }

    /// Records the seconds left, warns of what newly needs attention; true when the Site status should say otherwise.
    mutating func check(_ expiries: [CertificateExpiry], now: Date = Date()) -> Bool {
        lastCheck = now
        var seen: Set<String> = []
        for expiry in expiries {
            let key = "\(expiry.kind.rawValue)/\(expiry.name)"
            seen.insert(key)
            let gauge =
                gauges[key]
                ?? Gauge(label: "skupperd_certificate_expiry_seconds", dimensions: [("name", expiry.name), ("kind", expiry.kind.rawValue)])
            gauges[key] = gauge
            gauge.record(expiry.expires.timeIntervalSince(now))
        }
        for (key, gauge) in gauges where !seen.contains(key) {
            gauge.record(0)
            gauges[key] = nil
        }
        let needing = expiries.filter { $0.needsAttention(now: now) }
        for expiry in needing where !warned.contains(expiry) {
            logger.warning(
                "\(expiry.describe(now: now)): the agent cannot renew it; replace it before then",
                metadata: ["certificate": "\(expiry.name)", "kind": "\(expiry.kind.rawValue)", "notAfter": "\(expiry.expires)"])
        }
        warned = Set(needing)
        let notices = needing.map { Notice(message: $0.describe(now: now), expired: $0.expires <= now) }
        guard notices != attention else { return false }
        attention = notices
        return true
    }

    /// A certificate needing attention, as the Site status says it.
    struct Notice: Sendable, Hashable {
        var message: String
        /// It has ended already (else it ends within 30 days).
        var expired: Bool
    }
}
