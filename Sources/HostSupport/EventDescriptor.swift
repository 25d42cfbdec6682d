internal import CGlibcGNU

#if canImport(Glibc)
    import Glibc
#endif

/// An eventfd: a thread asleep in poll() on it wakes when another thread signals it (-1 when the kernel gave none).
public final class EventDescriptor: Sendable {
    public let descriptor: Int32

    public init() { descriptor = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) }

    /// Makes the descriptor readable (from any thread).
    public func signal() {
        guard descriptor >= 0 else { return }
        var one: UInt64 = 1
        _ = write(descriptor, &one, MemoryLayout<UInt64>.size)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }
}
