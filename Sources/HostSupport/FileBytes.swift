import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Files read with open, fstat and read: a restart reads a status file per resource (reading each into a String first
/// validated and copied it once more), and input files are read with the same loop after their own checks.
public enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened or read, is not a regular file (a symbolic link is not
    /// followed), or holds more than `limit` bytes.
    public static func read(_ path: String, limit: Int = 16 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= limit,
            case .bytes(let data) = readToEnd(fd, size: Int(info.st_size), limit: limit)
        else { return nil }
        return [UInt8](data)
    }

    /// What reading an open file to its end gave (as Data: an input file of megabytes is parsed from it, not copied).
    public enum Reading: Sendable {
        case bytes(Data)
        /// read(2) failed with this errno.
        case failed(errno: Int32)
        /// More than the limit was there to read.
        case tooLarge
    }

    /// An open file's bytes to its end: sized by `size` (fstat's), and read on whatever that said, since the file may
    /// have changed since, up to `limit` bytes.
    public static func readToEnd(_ fd: Int32, size: Int, limit: Int) -> Reading {
        var data = Data(count: max(size, 0) + 1)
        var total = 0
        while total < data.count {
            let count = data.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + total, $0.count - total) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(errno: errno)
            }
            if count == 0 { break }
            total += count
            // The file grew while it was read: read on, up to the limit.
            if total == data.count && total <= limit { data.count = min(data.count * 2, limit + 1) }
        }
        if total > limit { return .tooLarge }
        data.count = total
        return .bytes(data)
    }
}
