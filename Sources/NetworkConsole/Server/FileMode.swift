#if canImport(Glibc)
    import Glibc
#endif

/// A file's permission bits, for the secrets the console reads (its password file, its TLS key): they must be the
/// owner's alone.
enum FileMode {
    /// The permission bits of `path` (following a link), or nil when it cannot be read.
    static func permissions(_ path: String) -> UInt32? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return UInt32(status.st_mode & 0o7777)
    }

    /// Whether group or others may read or write it.
    static func isShared(_ path: String) -> Bool { (permissions(path) ?? 0) & 0o077 != 0 }
}
