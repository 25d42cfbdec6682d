import ArgumentParser
import Resources

/// A duration option written as Go writes durations ("15m", "1h30m", "90s") or as plain seconds ("60").
public struct DurationArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
    public var duration: GoDuration

    public init(_ duration: GoDuration) { self.duration = duration }

    public init?(argument: String) {
        if let seconds = Double(argument) {
            duration = GoDuration(seconds: seconds)
        } else if let parsed = GoDuration(argument) {
            duration = parsed
        } else {
            return nil
        }
    }

    /// Seconds as a `TimeInterval`.
    public var seconds: Double { duration.seconds }
    public var description: String { duration.description }
    public var defaultValueDescription: String { duration.description }
}
