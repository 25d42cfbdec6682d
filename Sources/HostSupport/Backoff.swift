/// Waits that double after each failure in a row up to a maximum: how the agent spaces every retry (a router change,
/// a router restart, a token redemption, a change that could not be applied).
public enum Backoff {
    /// The wait after `failures` (1 or more) failures in a row: `initial`, doubled once per failure after the first,
    /// at most `maximum`. Computed without overflowing for any count.
    public static func delay(afterFailures failures: Int, initial: Double, maximum: Double) -> Double {
        min(initial * Double(1 << min(max(failures, 1) - 1, 62)), maximum)
    }
}
