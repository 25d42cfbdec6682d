import FoundationEssentials
import HostSupport
import Logging
import SiteFiles
import Synchronization
import TextSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Runs skrouterd as the agent's own child process, for machines without systemd or a container engine (and for
/// trying a site out): started on the rendered configuration, restarted only for what management cannot change,
/// started again when it dies, stopped with the agent. Its output goes to `runtime/router/skrouterd.log`; its pid to
/// `runtime/router/skrouterd.pid`, so a router left by an agent that was killed is stopped before a new one starts.
public final class ProcessPlatform: RouterPlatform {
    public let executable: URL?
    let logger: Logger
    private let child = Mutex<Child?>(nil)

    /// A running router: its process and how it was started.
    struct Child {
        var process: ChildProcess
        var siteId: String
    }

    public init(executable: URL?, logger: Logger) {
        self.executable = executable
        self.logger = logger
    }

    public var kind: PlatformKind { .process }
    public var runsRouter: Bool { true }
    public var metadataName: String { PlatformKind.linux.rawValue }
    public func sslProfileBasePath(for layout: SiteLayout) -> String { layout.root.path }

    public static func pidFile(_ layout: SiteLayout) -> URL { layout.routerConfig.deletingLastPathComponent().appendingPathComponent("skrouterd.pid") }
    static func logFile(_ layout: SiteLayout) -> URL { layout.routerConfig.deletingLastPathComponent().appendingPathComponent("skrouterd.log") }

    public func apply(layout: SiteLayout, siteName: String, siteId: String, settings: [String: String], configChanged: Bool) async throws -> PlatformState {
        guard let executable else { throw PlatformError(RouterExecutable.missing) }
        let running = child.withLock { $0.map { $0.process.isRunning && $0.siteId == siteId } ?? false }
        if running && !configChanged { return await state(layout: layout) }
        // To its end: a child started while the agent is cancelled must still be known to the agent that stops it.
        try await Offload.runToEnd { [self] in restart(executable: executable, layout: layout, siteId: siteId) }.get()
        return PlatformState(.running, "skrouterd runs as the agent's child process")
    }

    public func teardown(layout: SiteLayout) async throws {
        await Offload.runToEnd { [self] in stop(layout: layout) }
    }

    public func state(layout: SiteLayout) async -> PlatformState {
        guard executable != nil else { return PlatformState(.failed, RouterExecutable.missing) }
        return child.withLock { child in
            guard let child else { return PlatformState(.stopped, "the router is not started") }
            guard let ended = child.process.termination else { return PlatformState(.running, "skrouterd runs as the agent's child process") }
            let tail = Self.lastLine(of: Self.logFile(layout))
            return PlatformState(.failed, "skrouterd \(ended)\(tail.map { ": \($0)" } ?? "") (see \(Self.logFile(layout).path))")
        }
    }

    public var watchesExit: Bool { true }

    /// Waits on a thread of its own (blocked in `waitid`, never reaping: `state` tells how it ended), not on the pool;
    /// a cancelled caller (the agent stopping) returns at once, the thread ending with the router.
    public func waitForExit(layout: SiteLayout) async {
        guard let process = child.withLock({ $0?.process }), process.isRunning else { return }
        let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                waiter.withLock { $0 = continuation }
                if Task.isCancelled { waiter.withLock { $0.take() }?.resume() }
                OSThread.start(name: "router-exit") {
                    process.waitForExitWithoutReaping()
                    waiter.withLock { $0.take() }?.resume()
                }
            }
        } onCancel: {
            waiter.withLock { $0.take() }?.resume()
        }
    }

    public func agentStopping(layout: SiteLayout) async {
        // The router is stopped before the agent exits, even when the agent's task is cancelled: no orphan.
        await Offload.runToEnd { [self] in stop(layout: layout) }
    }

    // MARK: - The child

    private func restart(executable: URL, layout: SiteLayout, siteId: String) -> Result<Void, PlatformError> {
        stop(layout: layout)
        var environment = ProcessInfo.processInfo.environment
        environment["SKUPPER_SITE_ID"] = siteId
        // A router built into a prefix finds its Python modules beside it.
        let python = executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lib/skupper-router/python")
        if FileManager.default.fileExists(atPath: python.path) {
            environment["PYTHONPATH"] = ([python.path] + (environment["PYTHONPATH"].map { [$0] } ?? [])).joined(separator: ":")
        }
        let process: ChildProcess
        let log = Self.logFile(layout).path
        let output = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard output >= 0 else {
            return .failure(PlatformError("cannot open \(log): \(String(cString: strerror(errno)))"))
        }
        defer { close(output) }
        do {
            process = try ChildProcess.spawn(
                executable.path, arguments: ["-c", layout.routerConfig.path], environment: environment,
                stdout: output, stderr: output)
        } catch {
            return .failure(PlatformError("cannot start \(executable.path): \(error)"))
        }
        try? AtomicFile.write("\(process.pid)\n", to: Self.pidFile(layout))
        child.withLock { $0 = Child(process: process, siteId: siteId) }
        logger.info("router started", metadata: ["pid": "\(process.pid)", "executable": "\(executable.path)"])
        return .success(())
    }

    /// Stops the child (SIGTERM, SIGKILL after a second), and a router an earlier agent of this namespace left.
    private func stop(layout: SiteLayout) {
        let current = child.withLock { $0.take() }
        if let process = current?.process, process.isRunning {
            Self.terminate(process.pid)
            process.waitUntilExit()
        }
        if let text = try? String(contentsOf: Self.pidFile(layout), encoding: .utf8), let pid = Int32(text.trimmingWhitespace()),
            pid != current?.process.pid, Self.isRouter(pid, config: layout.routerConfig.path)
        {
            logger.notice("stopping a router an earlier agent left", metadata: ["pid": "\(pid)"])
            Self.terminate(pid)
        }
        try? FileManager.default.removeItem(at: Self.pidFile(layout))
    }

    /// SIGTERM, then SIGKILL when it is still there after a second.
    static func terminate(_ pid: Int32) {
        kill(pid, SIGTERM)
        for _ in 0..<50 {
            if kill(pid, 0) != 0 { return }
            // A child of ours stays a zombie until reaped: it is gone when its state is Z.
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), stat.contains(") Z ") { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
    }

    /// Whether `pid` is a skrouterd running this namespace's configuration.
    public static func isRouter(_ pid: Int32, config: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.first?.hasSuffix("skrouterd") == true && arguments.contains(config)
    }

    /// The last line of the last 4 KiB of a file (the router's log).
    static func lastLine(of file: URL) -> String? {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size >= 0, lseek(fd, max(0, size - 4096), SEEK_SET) >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[0..<count], as: UTF8.self)
        return text.split(separator: "\n").last.map { QuotedText.excerpt(String($0)) }
    }
}
