import FoundationEssentials
import HostSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Reads one file of the input directory without trusting what stands there: a symbolic link is followed only
/// to a regular file inside the input directory, and FIFOs, devices, sockets and directories are refused
/// without blocking. Every refusal is a located error, so the file's last good contents stay in force.
public enum InputFile {
    /// Reads `name` in `directory`; nil when nothing of that name exists (the file was deleted).
    /// `displayName` is how errors name the file.
    public static func read(
        _ name: String, in directory: URL, displayName: String,
        maximumSize: Int = ResourceLoader.maximumFileSize
    ) -> Result<Data, ResourceError>? {
        let path = directory.appendingPathComponent(name).path
        func failure(_ message: String) -> Result<Data, ResourceError> {
            .failure(ResourceError(SourceLocation(file: displayName, document: 1), message))
        }
        /// A system call's failure: descriptors or memory out is the host's problem, not the file's (`passing`).
        func unreadable(_ code: Int32) -> Result<Data, ResourceError> {
            var error = ResourceError(SourceLocation(file: displayName, document: 1), "cannot read file: \(String(cString: strerror(code)))")
            error.passing = [EMFILE, ENFILE, ENOMEM, EAGAIN, EINTR].contains(code)
            return .failure(error)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT ? nil : unreadable(errno)
        }
        var target = path
        if info.st_mode & S_IFMT == S_IFLNK {
            switch resolveLink(path, inside: directory.path) {
            case .success(let resolved): target = resolved
            case .failure(let message): return failure(message)
            }
        } else if let refusal = refusal(for: info.st_mode) {
            return failure(refusal)
        }
        // O_NONBLOCK: a FIFO swapped in after the checks above still cannot block the agent; O_NOFOLLOW: nor a new link.
        let fd = open(target, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            return errno == ENOENT ? nil : unreadable(errno)
        }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { return unreadable(errno) }
        if let refusal = refusal(for: info.st_mode) { return failure(refusal) }
        if Int(info.st_size) > maximumSize {
            return failure("file is \(info.st_size) bytes, larger than the \(maximumSize) byte limit")
        }
        switch FileBytes.readToEnd(fd, size: Int(info.st_size), limit: maximumSize) {
        case .bytes(let data): return .success(data)
        case .failed(let code): return unreadable(code)
        case .tooLarge: return failure("file is larger than the \(maximumSize) byte limit")
        }
    }

    /// Why a file of this type is not read, nil for a regular file.
    static func refusal(for mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "is a directory, not a file"
        case S_IFIFO: "is a FIFO, not a regular file"
        case S_IFCHR, S_IFBLK: "is a device, not a regular file"
        case S_IFSOCK: "is a socket, not a regular file"
        case S_IFLNK: "is a symbolic link to a symbolic link"
        default: "is not a regular file"
        }
    }

    enum Resolution { case success(String), failure(String) }

    /// Where a symbolic link leads, when that is a regular file inside `directory`.
    static func resolveLink(_ path: String, inside directory: String) -> Resolution {
        guard let resolved = realpath(path, nil) else {
            switch errno {
            case ENOENT: return .failure("is a symbolic link to a file that does not exist")
            case ELOOP: return .failure("is a symbolic link loop")
            default: return .failure("is a symbolic link that cannot be followed: \(String(cString: strerror(errno)))")
            }
        }
        defer { free(resolved) }
        let target = String(cString: resolved)
        guard let base = realpath(directory, nil) else { return .failure("the input directory cannot be resolved") }
        defer { free(base) }
        let prefix = String(cString: base) + "/"
        // The target's name is not echoed: it may name a file the writer of the link could not read.
        guard target.hasPrefix(prefix) else { return .failure("is a symbolic link that leads out of the input directory (refused)") }
        var info = stat()
        guard stat(target, &info) == 0 else { return .failure("is a symbolic link that cannot be followed: \(String(cString: strerror(errno)))") }
        if let refusal = refusal(for: info.st_mode) { return .failure("is a symbolic link to something that \(refusal)") }
        return .success(target)
    }
}
