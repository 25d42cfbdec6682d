import CMalloc

/// How the agent asks glibc's allocator to hold its heap.
enum HeapTuning {
    /// Blocks of this size or more get pages of their own, given back when freed.
    static let mmapThreshold: Int32 = 128 * 1024

    /// Fixes the threshold above which glibc maps blocks of their own. glibc otherwise raises it to the largest block
    /// freed so far: a cold start's large transient tables (tens of thousands of statuses, the plan's changes) then
    /// come from the heap, and small long-lived values settle in their holes, keeping pages that are mostly free
    /// resident (a restart over 50,000 resources idled at 64 MiB anonymous memory instead of 47).
    static func apply() {
        _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold)
    }
}
