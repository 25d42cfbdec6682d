import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The one-agent-per-namespace lock: `runtime/agent.lock`, write-locked for the agent's whole life with an
/// open-file-description lock (released by the kernel when the agent dies, however it dies). A second agent on
/// the same directory fails to take it and exits; the CLI asks whether it is held without taking it.
public final class AgentLock: Sendable {
    /// Another agent holds the lock, or the lock file cannot be opened.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case held(path: String)
        case unavailable(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path): "another skupperd already runs this namespace: \(path) is locked"
            case .unavailable(let path, let reason): "cannot lock \(path): \(reason)"
            }
        }

        /// Whether another agent holds the lock.
        public var isHeld: Bool { if case .held = self { true } else { false } }
    }

    /// The exit status of an agent that found another one running (EX_TEMPFAIL).
    public static let heldExitStatus: Int32 = 75

    let fd: Int32
    let path: String

    /// Takes the namespace's lock, or fails at once when another agent holds it.
    public static func acquire(_ layout: SiteLayout) throws(Failure) -> AgentLock {
        let path = layout.agentLock.path
        do { try PrivateDirectory.create(layout.runtime) } catch { throw .unavailable(path: path, reason: error.reason) }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .unavailable(path: path, reason: String(cString: strerror(errno))) }
        fchmod(fd, 0o600)
        var request = lockRequest(F_WRLCK)
        guard fcntl(fd, ofdSetLock, &request) == 0 else {
            let busy = errno == EAGAIN || errno == EACCES
            let reason = String(cString: strerror(errno))
            close(fd)
            throw busy ? .held(path: path) : .unavailable(path: path, reason: reason)
        }
        return AgentLock(fd: fd, path: path)
    }

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Whether the lock file at its path is still the one held (false once the directory was removed or replaced).
    public var isInPlace: Bool {
        var held = stat(), current = stat()
        return fstat(fd, &held) == 0 && lstat(path, &current) == 0 && held.st_dev == current.st_dev && held.st_ino == current.st_ino
    }

    /// Whether an agent holds the namespace's lock now (asked without taking it, so it never stops an agent starting).
    public static func isHeld(_ layout: SiteLayout) -> Bool { presence(layout) == .held }

    /// What can be told of the namespace's agent from its lock, without taking it.
    public enum Presence: Sendable, Hashable {
        /// An agent holds the lock: it runs.
        case held
        /// Nobody holds it (or it was never made: no agent ever ran here).
        case free
        /// The lock cannot be asked: `path` cannot be read by this user (a site of root's, a user's of another user).
        case unreadable(path: String, reason: String)
    }

    /// Asks the namespace's lock whether an agent holds it.
    public static func presence(_ layout: SiteLayout) -> Presence {
        let path = layout.agentLock.path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .free }
            return .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var request = lockRequest(F_WRLCK)
        guard fcntl(fd, ofdGetLock, &request) == 0 else { return .unreadable(path: path, reason: String(cString: strerror(errno))) }
        return request.l_type != Int16(F_UNLCK) ? .held : .free
    }

    // Linux's open-file-description locks (F_OFD_GETLK, F_OFD_SETLK), which Glibc's Swift overlay does not name.
    static let ofdGetLock: Int32 = 36
    static let ofdSetLock: Int32 = 37

    static func lockRequest(_ type: Int32) -> flock {
        var request = flock()
        request.l_type = Int16(type)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = 0
        request.l_len = 0
        request.l_pid = 0
        return request
    }
}
