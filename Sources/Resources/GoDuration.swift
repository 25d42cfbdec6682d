/// A duration written the way Go's `time.ParseDuration` reads it ("15m", "1h30m", "90s", "24h").
public struct GoDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in seconds.
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// The longest window a grant or a token request may be given: a year. Longer is a mistake (or a way to make a
    /// code that never expires), and far longer overflows the dates it becomes.
    public static let maximumWindow = GoDuration(seconds: 365 * 24 * 3600)

    private static let units: [(String, Double)] = [
        ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ]

    /// Parses Go duration syntax; returns nil for anything else.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: " "))
        var sign = 1.0
        if rest.first == "-" || rest.first == "+" {
            if rest.first == "-" { sign = -1 }
            rest = rest.dropFirst()
        }
        if rest == "0" {
            self.seconds = 0
            return
        }
        if rest.isEmpty { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isNumber || $0 == ".") }
            guard let unit = Self.units.first(where: { $0.0 == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.1
        }
        self.seconds = sign * total
    }

    /// Go's canonical form: "15m0s", "24h0m0s", "1m30s".
    public var description: String {
        if seconds == 0 { return "0s" }
        var remaining = Int((abs(seconds)).rounded())
        let hours = remaining / 3600
        remaining %= 3600
        let minutes = remaining / 60
        let secs = remaining % 60
        var text = seconds < 0 ? "-" : ""
        if hours > 0 { text += "\(hours)h" }
        if hours > 0 || minutes > 0 { text += "\(minutes)m" }
        text += "\(secs)s"
        return text
    }

    /// Words for people: "15 minutes", "24 hours", "1 hour 30 minutes".
    public var humanReadable: String {
        var remaining = Int(abs(seconds).rounded())
        var parts: [String] = []
        for (name, size) in [("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)] where remaining >= size {
            let count = remaining / size
            remaining %= size
            parts.append("\(count) \(name)\(count == 1 ? "" : "s")")
        }
        return parts.isEmpty ? "0 seconds" : parts.joined(separator: " ")
    }

    public static func < (lhs: GoDuration, rhs: GoDuration) -> Bool { lhs.seconds < rhs.seconds }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return String(text)
    }
}
