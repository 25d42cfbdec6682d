#if canImport(Glibc)
    import Glibc
#endif

/// The time of day in microseconds since the epoch, as the routers stamp their records.
public enum WallClock {
    public static func microseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(max(now.tv_sec, 0)) &* 1_000_000 &+ UInt64(max(now.tv_nsec, 0) / 1_000)
    }
}
