import Resources

extension GoDuration {
    /// The period in words as the token commands print it, in hours, minutes and seconds: "15 minutes", "24 hours",
    /// "1 hour 30 minutes".
    public var inWords: String {
        var remaining = Int(abs(seconds).rounded())
        var parts: [String] = []
        for (name, size) in [("hour", 3600), ("minute", 60), ("second", 1)] where remaining >= size {
            let count = remaining / size
            remaining %= size
            parts.append("\(count) \(name)\(count == 1 ? "" : "s")")
        }
        return parts.isEmpty ? "0 seconds" : parts.joined(separator: " ")
    }
}
