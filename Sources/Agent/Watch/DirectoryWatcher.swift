import FoundationEssentials
import HostSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watches one directory with inotify and yields the names of files that were created, written, moved in or
/// out, or deleted, debounced: a burst of events becomes one batch once the directory has been quiet for
/// `quietPeriod` (or `maximumDelay` has passed since the burst began). When every file of the burst is complete
/// (closed after writing, moved in, or deleted) a much shorter `settlePeriod` is enough: that is how editors and
/// tools that save atomically deliver files, and it keeps the latency of a drop near inotify's own. With
/// `subdirectories`, the directories in it are watched too (one level: `input/certs/<name>/`), and a change in one
/// is reported by the subdirectory's name.
public final class DirectoryWatcher: Sendable {
    /// A batch of changed file names; `overflow` means events were lost and everything should be rescanned;
    /// `lost` means the directory itself was deleted or moved away, and the watch with it (see `rewatch`).
    public struct Batch: Sendable, Hashable {
        public var names: Set<String>
        public var overflow: Bool
        public var lost = false
    }

    public let directory: URL
    let fd: Int32
    let wd: Int32
    let quietPeriod: Duration
    let maximumDelay: Duration
    /// Whether the directories in the directory are watched too.
    let subdirectories: Bool
    /// The subdirectories watched when the watch began, by watch descriptor.
    let initialSubdirectories: [Int32: String]
    /// How long to wait for more events when no file of the burst is still being written.
    static let settlePeriod = Duration.milliseconds(2)

    /// Starts watching; throws when the directory cannot be watched. `subdirectories`: watch the directories in it
    /// too, and wait the whole quiet period after each burst (a directory's files come one after another).
    public init(
        directory: URL, quietPeriod: Duration = .milliseconds(20), maximumDelay: Duration = .milliseconds(250), subdirectories: Bool = false
    ) throws {
        self.directory = directory
        self.quietPeriod = quietPeriod
        self.maximumDelay = maximumDelay
        self.subdirectories = subdirectories
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw WatchError("inotify_init1: \(String(cString: strerror(errno)))") }
        let wd = inotify_add_watch(fd, directory.path, Self.mask)
        guard wd >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw WatchError("cannot watch \(directory.path): \(reason)")
        }
        self.fd = fd
        self.wd = wd
        var watched: [Int32: String] = [:]
        if subdirectories {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
                let child = inotify_add_watch(fd, directory.appendingPathComponent(name).path, Self.mask)
                if child >= 0 { watched[child] = name }
            }
        }
        initialSubdirectories = watched
    }

    deinit { close(fd) }

    static let mask = UInt32(
        IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_MODIFY | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

    /// Watches the directory again at its path, after a batch said the watch was `lost` and the directory is back.
    public func rewatch() throws {
        guard inotify_add_watch(fd, directory.path, Self.mask) >= 0 else {
            throw WatchError("cannot watch \(directory.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The batches of changes, until the task is cancelled.
    public func batches() -> AsyncStream<Batch> {
        let (stream, continuation) = AsyncStream.makeStream(of: Batch.self, bufferingPolicy: .unbounded)
        let fd = self.fd
        let quiet = quietPeriod
        let maximum = maximumDelay
        let stop = StopFlag()
        let tree = subdirectories ? Tree(directory: directory.path, watched: initialSubdirectories) : nil
        continuation.onTermination = { _ in stop.set() }
        OSThread.start(name: "inotify") {
            Self.readLoop(fd: fd, quiet: quiet, maximum: maximum, stop: stop, tree: tree, continuation: continuation)
        }
        return stream
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The subdirectories a tree watch follows (owned by the reading thread).
    struct Tree: Sendable {
        var directory: String
        var watched: [Int32: String]
    }

    static func readLoop(
        fd: Int32, quiet: Duration, maximum: Duration, stop: StopFlag, tree initialTree: Tree? = nil, continuation: AsyncStream<Batch>.Continuation
    ) {
        var tree = initialTree
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pending = Batch(names: [], overflow: false)
        var burstStart: ContinuousClock.Instant?
        // Files created or modified but not yet closed, moved in or deleted: still being written.
        var incomplete = Set<String>()
        let quietMs = milliseconds(quiet)
        let settleMs = tree == nil ? min(quietMs, milliseconds(settlePeriod)) : quietMs
        let complete = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)
        while !stop.isSet {
            // The inotify descriptor and the stop flag's: an idle watch sleeps until either has something.
            var pollers = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop.descriptor, events: Int16(POLLIN), revents: 0)]
            let timeout: Int32
            if let start = burstStart {
                let left = maximum - (ContinuousClock.now - start)
                timeout = max(0, min(incomplete.isEmpty ? settleMs : quietMs, milliseconds(left)))
            } else {
                timeout = stop.descriptor >= 0 ? -1 : 500
            }
            let ready = poll(&pollers, 2, timeout)
            let poller = pollers[0]
            if stop.isSet { break }
            if ready < 0 {
                if errno == EINTR { continue }
                continuation.finish()
                return
            }
            if poller.revents == 0 {
                if burstStart != nil {
                    if case .terminated = continuation.yield(pending) { return }
                    pending = Batch(names: [], overflow: false)
                    incomplete = []
                    burstStart = nil
                }
                continue
            }
            if poller.revents & Int16(POLLNVAL | POLLERR) != 0 {
                continuation.finish()
                return
            }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 {
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                continuation.finish()
                return
            }
            var offset = 0
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { pending.overflow = true }
                    if let subdirectory = tree?.watched[event.wd] {
                        // A change inside a watched subdirectory: reported by the subdirectory's name.
                        pending.names.insert(subdirectory)
                        if event.mask & UInt32(IN_IGNORED | IN_MOVE_SELF) != 0 {
                            if event.mask & UInt32(IN_MOVE_SELF) != 0 { inotify_rm_watch(fd, event.wd) }
                            tree?.watched[event.wd] = nil
                        }
                        offset += MemoryLayout<inotify_event>.size + Int(event.len)
                        continue
                    }
                    if var current = tree, event.mask & UInt32(IN_ISDIR) != 0, event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, event.len > 0 {
                        let bytes = raw[nameStart..<(nameStart + Int(event.len))].prefix { $0 != 0 }
                        let name = String(decoding: bytes, as: UTF8.self)
                        let child = inotify_add_watch(fd, current.directory + "/" + name, mask)
                        if child >= 0 { current.watched[child] = name }
                        tree = current
                    }
                    if event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
                        pending.lost = true
                        // A moved directory keeps its watch: drop it, or events of the old place would keep coming.
                        if event.mask & UInt32(IN_MOVE_SELF) != 0 { inotify_rm_watch(fd, event.wd) }
                    }
                    if event.len > 0 {
                        let bytes = raw[nameStart..<(nameStart + Int(event.len))].prefix { $0 != 0 }
                        let name = String(decoding: bytes, as: UTF8.self)
                        pending.names.insert(name)
                        if event.mask & complete != 0 {
                            incomplete.remove(name)
                        } else if event.mask & UInt32(IN_CREATE | IN_MODIFY) != 0 {
                            incomplete.insert(name)
                        }
                    }
                    offset = nameStart + Int(event.len)
                }
            }
            if burstStart == nil { burstStart = .now }
        }
    }

    /// Set when the consumer goes away; its eventfd wakes the reading thread's poll, which then ends.
    final class StopFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        private let event = EventDescriptor()
        var descriptor: Int32 { event.descriptor }
        func set() {
            flag.store(true, ordering: .relaxed)
            event.signal()
        }
        var isSet: Bool { flag.load(ordering: .relaxed) }
    }
}

/// A failure to watch a directory.
public struct WatchError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
