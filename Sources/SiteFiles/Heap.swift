/// The process's heap.
public enum Heap {
    /// Gives the free memory of every malloc arena back to the system. After a burst of work on several threads
    /// (a whole directory parsed), glibc keeps what was freed in each thread's arena, resident but unused.
    public static func releaseFreeMemory() {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}

#if os(Linux)
/// glibc's `int malloc_trim(size_t pad)` (<malloc.h>, which the Glibc module does not bring in).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
