import FoundationEssentials
import HostSupport

/// HTTP dates (RFC 9110's IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), as a `Retry-After` may carry one.
enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The date, or nil when the text is not an IMF-fixdate with every field in range.
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT", parts[1].utf8.count == 2, parts[3].utf8.count == 4,
            parts[4].utf8.count == 8, let month = months.firstIndex(of: String(parts[2]))
        else { return nil }
        // Read as the RFC 3339 timestamp it names, which checks every field.
        let monthText = month < 9 ? "0\(month + 1)" : "\(month + 1)"
        return UTCTimestamp.canonicalDate("\(parts[3])-\(monthText)-\(parts[1])T\(parts[4])Z")
    }
}
