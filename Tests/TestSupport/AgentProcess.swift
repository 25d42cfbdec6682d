import Foundation
import HostSupport
import Resources
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// Where the package's built executables are (next to the test bundle).
public enum BuiltProducts {
    public static var directory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("skupperd").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug")
    }

    public static func executable(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestFailure("\(name) is not built at \(url.path): run `swift build` first")
        }
        return url
    }
}

/// A temporary namespace directory for one test, removed afterwards.
public final class TemporarySite: @unchecked Sendable {
    public let layout: SiteLayout

    public init(namespace: String = "default") throws {
        let root = URL(fileURLWithPath: ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp").appendingPathComponent(
            "skt-\(UUID().uuidString.prefix(8))")
        layout = SiteLayout(root: root, namespace: namespace)
        try FileManager.default.createDirectory(at: layout.inputResources, withIntermediateDirectories: true)
    }

    /// A site in a directory of the test's choosing (a namespace directory of a `namespaces` directory).
    public init(root: URL, namespace: String) throws {
        layout = SiteLayout(root: root, namespace: namespace)
        try FileManager.default.createDirectory(at: layout.inputResources, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: layout.root) }

    /// Writes an input file directly.
    public func write(_ name: String, _ text: String) throws {
        try text.write(to: layout.inputResources.appendingPathComponent(name), atomically: false, encoding: .utf8)
    }

    /// Saves the way editors do: write a temporary file, then rename it over the target.
    public func saveAtomically(_ name: String, _ text: String) throws {
        let temporary = layout.inputResources.appendingPathComponent(".\(name).swp")
        try text.write(to: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary.path, layout.inputResources.appendingPathComponent(name).path) == 0 else { throw TestFailure("rename failed") }
    }

    public func remove(_ name: String) throws {
        try FileManager.default.removeItem(at: layout.inputResources.appendingPathComponent(name))
    }

    /// The status document of a resource, if written.
    public func status(_ kind: ResourceKind, _ name: String) -> StatusDocument? {
        guard let text = try? String(contentsOf: layout.statusFile(ResourceID(kind, name)), encoding: .utf8) else { return nil }
        return try? StatusDocument.parse(text)
    }

    /// The rendered router configuration text.
    /// The router ports the site's identity picked (`runtime/state/identity.json`).
    public func identityPorts() throws -> (local: Int, interRouter: Int) {
        let data = try Data(contentsOf: layout.state.appendingPathComponent("identity.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard let local = object?["localPort"] as? Int, let interRouter = object?["interRouterPort"] as? Int else {
            throw TestFailure("no ports in \(layout.state.path)/identity.json")
        }
        return (local, interRouter)
    }

    public var routerConfig: String? { try? String(contentsOf: layout.routerConfig, encoding: .utf8) }

    /// Polls until `condition` holds or `timeout` passes.
    public func eventually(timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}

/// A TCP port that is free on the loopback interface right now.
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// `skupperd` running as a child process, its stderr kept in a file.
public final class AgentProcess: @unchecked Sendable {
    public let process = Process()
    public let logFile: URL

    /// Starts skupperd on the site's directory; `umask`, when given, is the file-creation mask it runs under, and
    /// `descriptorLimit` its RLIMIT_NOFILE (soft and hard, as `ulimit -n` sets them).
    /// `inheritEnvironment: false` starts it with only `environment` and the PATH systemd gives services, as a unit runs it.
    /// `runtimeTmpfs` (a size, `256k`) runs it in a mount namespace of its own with `runtime/` on a tmpfs that small,
    /// which the test fills and frees through `inNamespace`.
    public init(
        site: TemporarySite, arguments: [String] = [], environment: [String: String] = [:], umask: String? = nil,
        descriptorLimit: Int? = nil, runtimeTmpfs: String? = nil, inheritEnvironment: Bool = true
    ) throws {
        let skupperd = try BuiltProducts.executable("skupperd")
        var defaults = ["--config-dir", site.layout.root.path]
        if !arguments.contains("--grant-server-port") {
            // Parallel tests must not fight over the grant server's default port.
            defaults += ["--grant-server-port", "0", "--grant-server-bind", "127.0.0.1", "--grant-server-host", "127.0.0.1"]
        }
        if !arguments.contains("--platform") && environment["SKUPPER_PLATFORM"] == nil {
            // The agent's default runs a real router; tests that want one say so.
            defaults += ["--platform", "render"]
        }
        let runtime = site.layout.runtime.path
        let mount = runtimeTmpfs.map { ["mkdir -p '\(runtime)'", "mount -t tmpfs -o size=\($0),mode=0700 tmpfs '\(runtime)'"] } ?? []
        let setup = mount + (umask.map { ["umask \($0)"] } ?? []) + (descriptorLimit.map { ["ulimit -n \($0)"] } ?? [])
        if runtimeTmpfs != nil {
            // unshare execs the shell in the new mount namespace, and the shell execs skupperd: the pid is skupperd's.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments =
                [
                    "-m", "--propagation", "private", "/bin/sh", "-c", (setup + ["exec \"$0\" \"$@\""]).joined(separator: " && "),
                    skupperd.path,
                ] + defaults + arguments
        } else if !setup.isEmpty {
            // The shell sets the mask and the limit and execs skupperd, so the pid is skupperd's.
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", (setup + ["exec \"$0\" \"$@\""]).joined(separator: " && "), skupperd.path] + defaults + arguments
        } else {
            process.executableURL = skupperd
            process.arguments = defaults + arguments
        }
        var env =
            inheritEnvironment
            ? ProcessInfo.processInfo.environment
            : ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        env["NOTIFY_SOCKET"] = nil
        env["WATCHDOG_USEC"] = nil
        env["WATCHDOG_PID"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        logFile = site.layout.root.appendingPathComponent("skupperd.log")
        try ChildProcess.launch(process, loggingTo: logFile)
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    public func stop(timeout: TimeInterval = 10) -> Int32 {
        ChildProcess.stop(process, timeout: timeout)
    }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Runs a shell command in the agent's mount namespace (where its `runtimeTmpfs` is mounted).
    public func inNamespace(_ command: String) throws -> (status: Int32, output: String) {
        try run(["nsenter", "-t", String(pid), "-m", "/bin/sh", "-c", command])
    }
}
