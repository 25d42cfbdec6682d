#if os(Linux)
    internal import CMalloc
#endif

/// The process's heap (glibc's malloc): how it is held, and when its free memory goes back.
public enum Heap {
    /// Blocks of this size or more get pages of their own, given back when freed.
    static let separateBlocksFrom: Int32 = 128 * 1024

    /// Fixes the size above which glibc maps blocks of their own (`M_MMAP_THRESHOLD`). glibc otherwise raises it to
    /// the largest block freed so far: a cold start's large transient tables (tens of thousands of statuses, the
    /// plan's changes) then come from the heap, and small long-lived values settle in their holes, keeping pages that
    /// are mostly free resident (a restart over 50,000 resources idled with 64 MiB anonymous memory instead of 47).
    public static func holdLargeBlocksApart() {
        #if os(Linux)
            _ = mallopt(M_MMAP_THRESHOLD, separateBlocksFrom)
        #endif
    }

    /// Gives the free memory of every malloc arena back to the system. After a burst of work on several threads
    /// (a whole directory parsed), glibc keeps what was freed in each thread's arena, resident but unused.
    public static func releaseFreeMemory() {
        #if os(Linux)
            _ = malloc_trim(0)
        #endif
    }
}
