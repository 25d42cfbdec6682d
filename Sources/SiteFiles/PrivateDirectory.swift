import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Directories that only their owner can enter, whatever the umask: `runtime/` holds keys, codes and tokens.
public enum PrivateDirectory {
    /// A directory that could not be created or made private.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "cannot create \(path): \(reason)" }
    }

    /// Creates `url` and its missing parents as 0700 directories (mode set explicitly, not left to the umask).
    /// An existing directory keeps its mode unless `enforce` is set, which makes it 0700 too.
    public static func create(_ url: URL, enforce: Bool = true) throws(Failure) {
        try create(path: url.standardizedFileURL.path, enforce: enforce)
    }

    /// `create(_:enforce:)` on a standardized path: parents are found by cutting it at its last slash (the agent makes
    /// a dozen directories at every start, and a URL is parsed again at every step).
    private static func create(path: String, enforce: Bool) throws(Failure) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw Failure(path: path, reason: "it exists and is not a directory") }
            if enforce && info.st_mode & 0o7777 != 0o700 && chmod(path, 0o700) != 0 {
                throw Failure(path: path, reason: String(cString: strerror(errno)))
            }
            return
        }
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            let parent = slash == path.utf8.startIndex ? "/" : String(path[..<slash])
            if parent != path { try create(path: parent, enforce: false) }
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        guard chmod(path, 0o700) == 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Makes every directory at or below `url` 0700 (what an older version or a careless umask left open), without
    /// descending into the directories named in `flat` (directories of files only, such as thousands of statuses).
    public static func secure(tree url: URL, flat: Set<String> = []) {
        chmod(url.path, 0o700)
        func secureBelow(_ path: String) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                let child = path + "/" + name
                var status = stat()
                // Directories only, and never through a symbolic link.
                guard lstat(child, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { continue }
                chmod(child, 0o700)
                if !flat.contains(name) { secureBelow(child) }
            }
        }
        secureBelow(url.path)
    }
}
