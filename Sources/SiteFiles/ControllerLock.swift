import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Skupper v2's system controller lock, `namespaces/controller.lock` beside the namespace directories: v2's controller
/// takes it with an exclusive `flock` (and exits when it cannot) before it runs every namespace there. Each agent here
/// holds it shared for its whole life, so neither runs a namespace the other runs: an agent finds v2's controller
/// there and refuses, and v2's controller finds the agents there and exits.
public final class ControllerLock: Sendable {
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case heldByV2(path: String)
        case unavailable(path: String, reason: String)

        public var description: String {
            switch self {
            case .heldByV2(let path):
                "Skupper v2's system controller runs the namespaces here (it holds \(path)): stop it first (v2's `skupper system uninstall`), then start skupperd"
            case .unavailable(let path, let reason): "cannot lock \(path): \(reason)"
            }
        }

        /// Whether v2's controller holds the lock (another program runs the namespace), not a failure to lock it.
        public var isHeld: Bool { if case .heldByV2 = self { true } else { false } }
    }

    let fd: Int32

    /// The lock beside `layout`'s namespace directory, when that directory is one of a `namespaces` directory (a
    /// `--config-dir` elsewhere has no controller beside it).
    public static func path(for layout: SiteLayout) -> URL? {
        let parent = layout.root.standardizedFileURL.deletingLastPathComponent()
        return parent.lastPathComponent == "namespaces" ? parent.appendingPathComponent("controller.lock") : nil
    }

    /// Takes the lock shared; nil where there is no `namespaces` directory; fails at once while v2's controller holds it.
    public static func acquire(_ layout: SiteLayout) throws(Failure) -> ControllerLock? {
        guard let url = path(for: layout) else { return nil }
        let path = url.path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            // A namespaces directory this user cannot write to (another user's): nothing to coordinate with here.
            if errno == EACCES || errno == EROFS { return nil }
            throw .unavailable(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(fd)
            throw busy ? .heldByV2(path: path) : .unavailable(path: path, reason: reason)
        }
        return ControllerLock(fd: fd)
    }

    init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }
}
