import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Whether standard error is connected to the journal: systemd sets `JOURNAL_STREAM=<device>:<inode>` for a
/// service whose output goes to the journal, and a process checks it against fd 2 (a child whose stderr was
/// redirected inherits the variable but not the stream).
public enum JournalStream {
    /// True when `JOURNAL_STREAM` names the device and inode of file descriptor 2.
    public static func isStandardError(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"], let expected = parse(value) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == expected.device && UInt64(info.st_ino) == expected.inode
    }

    /// The device and inode of a `JOURNAL_STREAM` value (`"8:12345"`), or nil when it is not one.
    public static func parse(_ value: String) -> (device: UInt64, inode: UInt64)? {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return nil }
        return (device, inode)
    }
}
