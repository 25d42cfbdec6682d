import Foundation

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
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return }
        var files: [(String, URL)] = []
        let base = directory.standardizedFileURL.path
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let path = url.standardizedFileURL.path
            files.append((path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path, url))
        }
        for (relative, url) in files.sorted(by: { $0.0 < $1.0 }) {
            if relative.contains("/.") || relative.hasPrefix(".") { continue }
            update(relative)
            update((try? Data(contentsOf: url)) ?? Data())
        }
    }

    /// The digest as 16 hex digits.
    public var hex: String {
        let text = String(state, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
