import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// A 64-bit FNV-1a digest of bytes and files, for telling whether something changed (not for security).
public struct ContentHash: Sendable {
    var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// An empty digest.
    public init() {}

    /// Adds bytes.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01b3
        }
    }

    /// Adds a string followed by a separator, so that ("ab","c") and ("a","bc") differ.
    public mutating func update(_ text: String) {
        update(text.utf8)
        update([0])
    }

    /// Adds every regular file under `directory` (relative path and contents, in path order); a missing
    /// directory adds nothing.
    public mutating func update(directory: URL) {
        guard let subpaths = try? FileManager.default.subpathsOfDirectory(atPath: directory.path) else { return }
        // Regular files only (not what a symbolic link points at), each named by its path from the directory ("/a/b").
        let files = subpaths.map { "/" + $0 }.filter { relative in
            var status = stat()
            return lstat(directory.path + relative, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
        }
        for relative in files.sorted() {
            if relative.contains("/.") { continue }
            update(relative)
            update((try? Data(contentsOf: URL(fileURLWithPath: directory.path + relative))) ?? Data())
        }
    }

    /// The digest as 16 hex digits.
    public var hex: String {
        let text = String(state, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
