#if canImport(Glibc)
import Glibc
#endif

/// A small file's bytes read with open, fstat and read: a restart reads a status file per resource, and reading each
/// into a String first validated and copied it once more.
public enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened or read, is not a regular file (a symbolic link is not
    /// followed), or holds more than `limit` bytes.
    public static func read(_ path: String, limit: Int = 16 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= limit else { return nil }
        // Sized by fstat, and read to the end whatever it said (the file may have changed since).
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var used = 0
        while true {
            if used == bytes.count {
                guard used <= limit else { return nil }
                bytes.append(contentsOf: repeatElement(0, count: 4096))
            }
            let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + used, $0.count - used) }
            if got < 0 { if errno == EINTR { continue }; return nil }
            if got == 0 { break }
            used += got
        }
        bytes.removeSubrange(used...)
        return bytes
    }
}
