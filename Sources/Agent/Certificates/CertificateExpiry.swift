import FoundationEssentials
import HostSupport

/// When one of the site's certificates expires, and whether the agent renews it itself (a leaf it issued) or only a
/// person can (a CA: every linked site trusts it; a user's certificate; a Link's client certificate from another site).
struct CertificateExpiry: Sendable, Hashable {
    enum Kind: String, Sendable, Hashable {
        case authority = "ca"
        case certificate
        case linkClient = "link-client"
    }

    var name: String
    var kind: Kind
    var expires: Date
    /// The agent issues this one again itself before it expires.
    var renewedByAgent: Bool

    /// How a person would name it in a warning or a status.
    var label: String {
        switch kind {
        case .authority: "CA \(name)"
        case .certificate: "certificate \(name)"
        case .linkClient: "Link client certificate \(name)"
        }
    }

    /// How long before its end a certificate nobody renews here is reported (and Skupper renews its own).
    static let warningWindow: TimeInterval = 30 * 24 * 3600

    /// Whether the agent issues it again now (it renews its own leaves 30 days before their end).
    func isDueForRenewal(now: Date) -> Bool {
        renewedByAgent && expires.timeIntervalSince(now) < Self.warningWindow
    }

    /// Whether a person should act on it now: it ends within the window and the agent will not renew it.
    func needsAttention(now: Date) -> Bool {
        !renewedByAgent && expires.timeIntervalSince(now) < Self.warningWindow
    }

    /// "expires in 12 days (2026-12-19)" or "expired 3 days ago (...)".
    func describe(now: Date) -> String {
        let left = expires.timeIntervalSince(now)
        let days = Int((abs(left) / 86_400).rounded(.down))
        let when = UTCTimestamp.string(expires).prefix(10)
        if left <= 0 { return "\(label) expired \(days == 0 ? "today" : "\(days) day\(days == 1 ? "" : "s") ago") (\(when))" }
        return "\(label) expires \(days == 0 ? "within a day" : "in \(days) day\(days == 1 ? "" : "s")") (\(when))"
    }
}
