import FoundationEssentials
import HostSupport
import Synchronization
import TextSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Which service manager a unit belongs to: the system's (root) or the user's (`systemctl --user`).
public enum SystemdScope: String, Sendable, Hashable, CaseIterable {
    case system
    case user

    /// `system` for root, `user` for everyone else, as Skupper v2 decides.
    public static var current: SystemdScope { getuid() == 0 ? .system : .user }

    /// Where administrators' units go: `/etc/systemd/system` for the system manager,
    /// `$XDG_CONFIG_HOME/systemd/user` (`~/.config/systemd/user`) for a user's.
    public func unitDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        switch self {
        case .system:
            return URL(fileURLWithPath: "/etc/systemd/system")
        case .user:
            if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
                return URL(fileURLWithPath: xdg).appendingPathComponent("systemd/user")
            }
            let home = UserHome.path(environment: environment)
            return URL(fileURLWithPath: home).appendingPathComponent(".config/systemd/user")
        }
    }

    /// The `systemctl` command line for this scope.
    public var systemctlCommand: [String] {
        switch self {
        case .system: return ["systemctl"]
        case .user: return ["systemctl", "--user"]
        }
    }
}

/// Runs `systemctl` (or whatever command line stands in for it, e.g. `docker exec <c> systemctl` in tests)
/// as a child process (`ChildProcess`) and reports failures with systemctl's own stderr.
public struct Systemctl: Sendable {
    /// The command and its leading arguments, e.g. `["systemctl", "--user"]`.
    public var command: [String]
    /// Extra environment for the child (added to this process's environment).
    public var environment: [String: String]
    /// How long one invocation may take before it is killed: a service manager that does not answer must not hold
    /// the agent (whose watchdog is 30 s) or a command line for ever.
    public var timeout: Duration

    /// The default deadline of one invocation.
    public static let defaultTimeout: Duration = .seconds(20)

    public init(
        command: [String] = SystemdScope.current.systemctlCommand, environment: [String: String] = [:],
        timeout: Duration = defaultTimeout
    ) {
        precondition(!command.isEmpty, "systemctl command must not be empty")
        self.command = command
        self.environment = environment
        self.timeout = timeout
    }

    public init(scope: SystemdScope) { self.init(command: scope.systemctlCommand) }

    /// What one invocation produced.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var succeeded: Bool { status == 0 }
    }

    /// The command line as text, for messages.
    public func describe(_ arguments: [String]) -> String { (command + arguments).joined(separator: " ") }

    /// Runs `systemctl <arguments>` and returns what it printed, whatever its exit status.
    /// Throws only when the command cannot be started at all (not installed).
    public func run(_ arguments: [String]) async throws -> Output {
        // On a thread of its own: systemctl may take seconds, and the cooperative pool must not wait for it.
        try await Offload.run { Result { try self.runBlocking(arguments) } }.get()
    }

    /// `run` for synchronous callers (the command line).
    public func runBlocking(_ arguments: [String]) throws -> Output {
        guard let executable = Self.resolve(command[0]) else {
            throw PlatformError(
                "\(command[0]) not found (looked in PATH): the systemd platform needs systemd's systemctl; install systemd or choose another platform")
        }
        let output: ChildProcess.Output
        do {
            output = try ChildProcess.output(
                executable.path, arguments: Array(command.dropFirst()) + arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, deadline: timeout)
        } catch {
            throw PlatformError("cannot run \(describe(arguments)): \(error)")
        }
        if output.timedOut {
            throw PlatformError("`\(describe(arguments))` did not finish within \(timeout) and was stopped: the service manager does not answer")
        }
        return Output(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    /// `check` for synchronous callers (the command line).
    @discardableResult
    public func checkBlocking(_ arguments: [String]) throws -> Output {
        try Self.checked(try runBlocking(arguments), describe(arguments))
    }

    static func checked(_ output: Output, _ commandLine: String) throws -> Output {
        guard output.succeeded else {
            let detail = output.stderr.trimmingWhitespace()
            let fallback = output.stdout.trimmingWhitespace()
            // One line: the message ends up in a status file and a STATUS= line.
            let text = (detail.isEmpty ? fallback : detail).split(separator: "\n").joined(separator: "; ")
            throw PlatformError("`\(commandLine)` failed (exit status \(output.status))\(text.isEmpty ? "" : ": \(text)")")
        }
        return output
    }

    /// Runs `systemctl <arguments>` and throws a `PlatformError` with systemctl's stderr when it fails.
    @discardableResult
    public func check(_ arguments: [String]) async throws -> Output {
        try Self.checked(try await run(arguments), describe(arguments))
    }

    /// `systemctl show -p A,B,... unit` as a dictionary.
    public func show(_ unit: String, properties: [String]) async throws -> [String: String] {
        Self.properties(try await check(["show", "--no-pager", "-p", properties.joined(separator: ","), unit]).stdout)
    }

    /// `show` for synchronous callers (the command line).
    public func showBlocking(_ unit: String, properties: [String]) throws -> [String: String] {
        Self.properties(try checkBlocking(["show", "--no-pager", "-p", properties.joined(separator: ","), unit]).stdout)
    }

    /// `Key=Value` lines as a dictionary.
    public static func properties(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    /// An absolute path as is; otherwise the first executable of that name on PATH.
    static func resolve(_ name: String) -> URL? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
