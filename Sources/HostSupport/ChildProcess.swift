internal import CGlibcGNU
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with posix_spawn: what the agent runs (the router as its child, `systemctl`). Like
/// Foundation's `Process` (which the agent no longer links): the child starts with default signal dispositions and an
/// empty signal mask whatever the agent's own, and with none of the agent's descriptors but the three it is given.
public final class ChildProcess: Sendable {
    /// Why a child could not be started: the errno of posix_spawn (`No such file or directory`).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    public let pid: Int32
    /// The wait status once the child was reaped.
    private let reaped = Mutex<Int32?>(nil)

    private init(pid: Int32) { self.pid = pid }

    /// Starts `executable` with `arguments` (without argv[0], which is the executable's path) and exactly
    /// `environment`; its standard input, output and error are the given descriptors (nil: /dev/null).
    public static func spawn(
        _ executable: String, arguments: [String], environment: [String: String],
        stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in [(stdin, Int32(0)), (stdout, 1), (stderr, 2)] {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw Failure(code: result) }
        return ChildProcess(pid: pid)
    }

    /// What a command printed and how it ended.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// The command did not end within its deadline and was killed (SIGKILL).
        public var timedOut = false
    }

    /// Runs a command to its end with its standard output and error read (both at once, so that a chatty child never
    /// blocks on a full pipe), its standard input /dev/null; a child still running after `deadline` is killed.
    public static func output(
        _ executable: String, arguments: [String], environment: [String: String],
        deadline: Duration? = nil
    ) throws -> Output {
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe2(&out, O_CLOEXEC) == 0 else { throw Failure(code: errno) }
        guard pipe2(&err, O_CLOEXEC) == 0 else {
            let code = errno
            close(out[0])
            close(out[1])
            throw Failure(code: code)
        }
        let child: ChildProcess
        do {
            defer {
                close(out[1])
                close(err[1])
            }
            child = try spawn(executable, arguments: arguments, environment: environment, stdout: out[1], stderr: err[1])
        } catch {
            close(out[0])
            close(err[0])
            throw error
        }
        defer {
            close(out[0])
            close(err[0])
        }
        let end = deadline.map { ContinuousClock.now + $0 }
        var timedOut = false
        var read: [[UInt8]] = [[], []]
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while open[0] || open[1] {
            var wait: Int32 = -1
            if let end {
                let left = ContinuousClock.now.duration(to: end)
                guard left > .zero else {
                    // Its descendants may hold the pipes open: the output is not waited for any longer.
                    kill(child.pid, SIGKILL)
                    timedOut = true
                    break
                }
                let (seconds, attoseconds) = left.components
                wait = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            }
            var fds = [
                pollfd(fd: open[0] ? out[0] : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: open[1] ? err[0] : -1, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, wait)
            guard ready >= 0 else {
                if errno == EINTR { continue }
                break
            }
            for index in 0..<2 where open[index] && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(fds[index].fd, $0.baseAddress, $0.count) }
                if count > 0 { read[index] += buffer[0..<count] } else if count == 0 || errno != EINTR { open[index] = false }
            }
        }
        if !timedOut, let end, child.isRunning {
            // Output closed but the child lingers: it gets what is left of the deadline.
            while child.isRunning && ContinuousClock.now < end { usleep(5_000) }
            if child.isRunning {
                kill(child.pid, SIGKILL)
                timedOut = true
            }
        }
        let status = child.waitUntilExit()
        return Output(
            status: status, stdout: String(decoding: read[0], as: UTF8.self), stderr: String(decoding: read[1], as: UTF8.self),
            timedOut: timedOut)
    }

    /// Whether the child has not exited yet (reaping it when it has).
    public var isRunning: Bool { status() == nil }

    /// The exit status, or the number of the signal that ended it; nil while it runs.
    public var terminationStatus: Int32? {
        termination.map {
            switch $0 {
            case .exited(let status), .signalled(let status): status
            }
        }
    }

    /// How the child ended, told apart: an exit status or a signal; nil while it runs.
    public var termination: Termination? {
        status().map { ($0 & 0x7f) == 0 ? .exited(($0 >> 8) & 0xff) : .signalled($0 & 0x7f) }
    }

    /// How a child process ended, in words for a status ("exited with status 1", "was killed by signal 9 (SIGKILL)").
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "was killed by signal \(signal)\(Self.signalNames[signal].map { " (\($0))" } ?? "")"
            }
        }

        static let signalNames: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS",
            SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM",
        ]
    }

    /// Blocks until the child has exited (or was reaped), without reaping it: `termination` still says how it ended.
    public func waitForExitWithoutReaping() {
        guard isRunning else { return }
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
            // Reaped meanwhile by another caller (ECHILD), or a signal: `isRunning` tells.
            if errno != EINTR || !isRunning { return }
        }
    }

    /// Waits for the child to exit and returns `terminationStatus`.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        while true {
            if let status = terminationStatus { return status }
            usleep(5_000)
        }
    }

    private func status() -> Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            // ECHILD: reaped elsewhere (nobody should); it has ended all the same.
            if result == pid || (result < 0 && errno == ECHILD) { reaped = result == pid ? status : 0 }
            return reaped
        }
    }
}
