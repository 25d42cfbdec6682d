import FoundationEssentials
import Synchronization
import TextSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that a reader (or a crash) never sees a torn file: write a temporary file, fsync, rename (or, for
/// a file not there yet, write it without a name and link it in).
public enum AtomicFile {
    /// Errors from the file system, naming the path.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Atomically replaces `url` with `data`, with the given permissions (0644 by default).
    /// Returns false (and writes nothing) when the file already holds exactly these bytes.
    /// `durable` flushes the data to disk before the rename, so even a power loss leaves the old or the new
    /// file; without it a crash of the process still never leaves a torn file (for data that can be derived again).
    @discardableResult
    public static func write(_ data: Data, to url: URL, mode: mode_t = 0o644, skipIfUnchanged: Bool = true, durable: Bool = true) throws -> Bool {
        if skipIfUnchanged, let existing = try? Data(contentsOf: url), existing == data {
            return false
        }
        try replace(url, mode: mode, durable: durable) { fd in data.withUnsafeBytes { writeAll($0, to: fd) } }
        return true
    }

    /// Atomically replaces `url` with the UTF-8 text of `parts` one after another, never joined into one string
    /// (a router configuration of tens of megabytes is written from its pieces).
    public static func write(parts: [String], to url: URL, mode: mode_t = 0o644, durable: Bool = true) throws {
        try replace(url, mode: mode, durable: durable) { fd in writeAll(parts, to: fd) }
    }

    /// Atomically replaces `url` with the bytes `produce` hands to `emit` one buffer after another (made as they are
    /// written: a packed text is unpacked a piece at a time). `produce` returns false when `emit` did (errno says why).
    public static func write(
        to url: URL, mode: mode_t = 0o644, durable: Bool = true,
        _ produce: (_ emit: (UnsafeRawBufferPointer) -> Bool) -> Bool
    ) throws {
        try replace(url, mode: mode, durable: durable) { fd in produce { writeAll($0, to: fd) } }
    }

    /// Writes `body`'s bytes to a temporary file beside `url`, then renames it over `url`.
    private static func replace(_ url: URL, mode: mode_t, durable: Bool, _ body: (Int32) -> Bool) throws {
        let temporary = "\(url.deletingLastPathComponent().path)/\(temporaryName(for: url.lastPathComponent))"
        try replace(at: AT_FDCWD, url.path, temporary: temporary, shownAs: url.path, mode: mode, durable: durable, body)
    }

    /// This process's id, asked once: a cold start writes a file per resource, and each ask is a system call.
    private static let processID = getpid()
    /// Numbers this process's temporaries (the process id tells processes apart, O_EXCL catches the rest): a random
    /// number was a system call (getrandom) per file.
    private static let temporaryCount = Atomic<UInt64>(0)
    /// The process's umask as the kernel reports it (it is never changed here), read once; nil where not reported,
    /// and every file's mode is then set explicitly.
    private static let processUmask: mode_t? = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
            let value = mode_t(line.dropFirst("Umask:".count).trimmingWhitespace(), radix: 8)
        else { return nil }
        return value
    }()

    /// A temporary's name beside the file `name`, never the same twice in this process.
    private static func temporaryName(for name: String) -> String {
        let number = temporaryCount.wrappingAdd(1, ordering: .relaxed).newValue
        return ".\(name).\(processID).\(number).tmp"
    }

    /// Replaces `target` (relative to `directory`, a descriptor or AT_FDCWD) by way of `temporary`, beside it.
    private static func replace(
        at directory: Int32, _ target: String, temporary: String, shownAs path: String, mode: mode_t,
        durable: Bool, _ body: (Int32) -> Bool
    ) throws {
        let fd = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        let filled = fill(fd, mode: mode, durable: durable, body)
        let reason = filled ? nil : String(cString: strerror(errno))
        close(fd)
        guard filled, renameat(directory, temporary, directory, target) == 0 else {
            let message = reason ?? String(cString: strerror(errno))
            unlinkat(directory, temporary, 0)
            throw WriteError(path: path, reason: message)
        }
    }

    /// Fills a file just made, before it takes its name: `body`'s bytes, `mode` whatever the umask, flushed to disk when
    /// `durable`; false on an error (errno says which).
    private static func fill(_ fd: Int32, mode: mode_t, durable: Bool, _ body: (Int32) -> Bool) -> Bool {
        guard body(fd) else { return false }
        // The umask can only take bits away from `mode`: set them again only where it took some.
        if processUmask.map({ $0 & mode != 0 }) ?? true { fchmod(fd, mode) }
        return !durable || fsync(fd) == 0
    }

    /// A directory held open, so that a writer of thousands of files in it names them relative to it: the kernel then
    /// walks no path per file (a cold start writes a status file per resource).
    public final class OpenDirectory: Sendable {
        public let path: String
        fileprivate let descriptor: Int32
        /// How a new file is given its name here (`NewFileLink`), learnt from the first that needed another way.
        fileprivate let newFileLink = Atomic<UInt8>(NewFileLink.emptyPath.rawValue)

        public init(_ path: String) throws {
            descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            self.path = path
            guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        }

        /// Starts with another way of linking new files (tests: the ways a process without the first takes).
        convenience init(_ path: String, linkingNewFiles way: NewFileLink) throws {
            try self.init(path)
            newFileLink.store(way.rawValue, ordering: .relaxed)
        }

        deinit { close(descriptor) }
    }

    /// Atomically replaces the file `name` in an open directory with the UTF-8 text of `parts`. `new` says the name is
    /// most likely not there yet: the file is then made without a name and linked in whole (one change to the
    /// directory instead of a create and a rename), and replaced the usual way if the name was there after all.
    public static func write(
        parts: [String], named name: String, in directory: OpenDirectory, mode: mode_t = 0o644, durable: Bool = true,
        new: Bool = false
    ) throws {
        if new, create(name, in: directory, mode: mode, durable: durable, { fd in writeAll(parts, to: fd) }) { return }
        try replace(
            at: directory.descriptor, name, temporary: temporaryName(for: name), shownAs: "\(directory.path)/\(name)", mode: mode,
            durable: durable
        ) { fd in writeAll(parts, to: fd) }
    }

    /// How a file made without a name (O_TMPFILE) gets one: `linkat` of the descriptor itself (before Linux 6.10,
    /// only with CAP_DAC_READ_SEARCH), of its /proc/self/fd link (which takes /proc), or not at all (a file system
    /// without O_TMPFILE, or neither of those): a temporary and a rename, as for any other file. A watcher of the
    /// directory sees such a file appear whole (IN_CREATE), not moved in.
    enum NewFileLink: UInt8 {
        case emptyPath, procLink, none
    }

    /// O_TMPFILE, which Swift's Glibc module leaves out (a GNU extension): glibc's value on x86-64 and arm64.
    private static let unnamedFile = Int32(0o20000000) | O_DIRECTORY
    /// linkat's AT_EMPTY_PATH, left out alike.
    private static let linkEmptyPath = Int32(0x1000)

    /// Makes `name` in `directory` from a file without a name, written whole and then linked: false (nothing made)
    /// when the name exists, or the file system or process cannot do it this way.
    private static func create(_ name: String, in directory: OpenDirectory, mode: mode_t, durable: Bool, _ body: (Int32) -> Bool) -> Bool {
        var way = NewFileLink(rawValue: directory.newFileLink.load(ordering: .relaxed)) ?? .none
        guard way != .none else { return false }
        let fd = openat(directory.descriptor, ".", unnamedFile | O_WRONLY | O_CLOEXEC, mode)
        guard fd >= 0 else {
            // EISDIR and EOPNOTSUPP: no O_TMPFILE here; anything else is for the usual way to say.
            if errno == EISDIR || errno == EOPNOTSUPP { directory.newFileLink.store(NewFileLink.none.rawValue, ordering: .relaxed) }
            return false
        }
        defer { close(fd) }
        guard fill(fd, mode: mode, durable: durable, body) else { return false }
        while true {
            let linked =
                way == .emptyPath
                ? linkat(fd, "", directory.descriptor, name, linkEmptyPath)
                : linkat(AT_FDCWD, "/proc/self/fd/\(fd)", directory.descriptor, name, AT_SYMLINK_FOLLOW)
            if linked == 0 { return true }
            // EEXIST: the name is there, to be replaced. ENOENT or EPERM: this way is not open to the process.
            guard errno == ENOENT || errno == EPERM else { return false }
            way = way == .emptyPath ? .procLink : .none
            directory.newFileLink.store(way.rawValue, ordering: .relaxed)
            if way == .none { return false }
        }
    }

    /// Writes the UTF-8 text of `parts` one after another; false on an error (errno says which).
    private static func writeAll(_ parts: [String], to fd: Int32) -> Bool {
        for var part in parts {
            guard part.withUTF8({ writeAll(UnsafeRawBufferPointer($0), to: fd) }) else { return false }
        }
        return true
    }

    /// Writes a whole buffer, resuming after interrupted and partial writes; false on an error (errno says which).
    private static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Atomically writes UTF-8 text.
    @discardableResult
    public static func write(_ text: String, to url: URL, mode: mode_t = 0o644, skipIfUnchanged: Bool = true, durable: Bool = true) throws -> Bool {
        if skipIfUnchanged { return try write(Data(text.utf8), to: url, mode: mode, skipIfUnchanged: true, durable: durable) }
        try write(parts: [text], to: url, mode: mode, durable: durable)
        return true
    }

    /// Removes leftover temporary files (from a crash mid-write) in a directory and all directories below it.
    public static func removeTemporaries(under directory: URL) {
        removeTemporaries(underPath: directory.path, depth: 0)
    }

    /// The walk of `removeTemporaries(under:)`: readdir's entry types, no stat per file (runtime/ holds a status file
    /// per resource), symbolic links never followed, at most 16 levels down.
    private static func removeTemporaries(underPath path: String, depth: Int) {
        guard depth < 16, let stream = opendir(path) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            // The name is read in place up to its NUL: a dirent is only as long as its name, so copying the whole
            // d_name array would read past the end of readdir's buffer.
            let name = String(
                cString: UnsafeRawPointer(entry).advanced(by: MemoryLayout<dirent>.offset(of: \dirent.d_name)!)
                    .assumingMemoryBound(to: CChar.self))
            guard name != ".", name != ".." else { continue }
            let full = "\(path)/\(name)"
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                type = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
            }
            if type == UInt8(DT_DIR) {
                removeTemporaries(underPath: full, depth: depth + 1)
            } else if name.hasPrefix(".") && name.hasSuffix(".tmp") {
                unlink(full)
            }
        }
    }

    /// Removes leftover temporary files (from a crash mid-write) in a directory.
    public static func removeTemporaries(in directory: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            unlink(directory.appendingPathComponent(name).path)
        }
    }
}
