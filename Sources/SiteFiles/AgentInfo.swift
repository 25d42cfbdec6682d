import FoundationEssentials
import HostSupport
import TextSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `runtime/agent.yaml`: which process is the namespace's running agent, so `skupper system reload` can send it
/// SIGHUP and `skupper system status` can tell whether it runs, also when it was started outside systemd.
public struct AgentInfo: Sendable, Hashable {
    public var pid: Int32
    public var namespace: String
    public var platform: String
    public var version: String
    public var started: String
    /// The network console's address (`http://127.0.0.1:8010/`), when it runs.
    public var console: String?

    public init(pid: Int32 = getpid(), namespace: String, platform: String, version: String = SkupperVersion.current, started: Date = Date()) {
        self.pid = pid
        self.namespace = namespace
        self.platform = platform
        self.version = version
        // The same text ISO8601DateFormatter gave (UTC, whole seconds), without ICU (see UTCTimestamp).
        self.started = UTCTimestamp.string(started)
    }

    /// The file's text (flat YAML).
    public var yaml: String {
        "pid: \(pid)\nnamespace: \(namespace)\nplatform: \(platform)\nversion: \"\(version)\"\nstarted: \"\(started)\"\n"
            + (console.map { "console: \"\($0)\"\n" } ?? "")
    }

    /// Parses what `yaml` wrote; nil when the file is not an agent info file.
    public static func parse(_ text: String) -> AgentInfo? {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            var value = line[line.index(after: colon)...].trimmingWhitespace()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            values[key] = value
        }
        guard let pid = values["pid"].flatMap(Int32.init), pid > 0 else { return nil }
        var info = AgentInfo(pid: pid, namespace: values["namespace"] ?? "", platform: values["platform"] ?? "", version: values["version"] ?? "")
        info.started = values["started"] ?? ""
        info.console = values["console"].flatMap { $0.isEmpty ? nil : $0 }
        return info
    }

    /// The namespace's agent info, if the file exists.
    public static func read(_ layout: SiteLayout) -> AgentInfo? {
        (try? String(contentsOf: layout.agentInfo, encoding: .utf8)).flatMap(parse)
    }

    /// Whether the process is alive and is a skupperd (not a recycled pid).
    public var isRunning: Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return true }
        return String(decoding: data, as: UTF8.self).contains("skupperd")
    }

    /// The running agent of a namespace, if there is one: the namespace's lock is held, and the info file names a
    /// live skupperd.
    public static func running(_ layout: SiteLayout) -> AgentInfo? {
        guard AgentLock.isHeld(layout) else { return nil }
        return read(layout).flatMap { $0.isRunning ? $0 : nil }
    }

    /// Writes the file (world-readable: it holds no secret, and `skupper` run by another user reads it). Atomically but
    /// not flushed to disk: it names a running process, which a power loss ends too (and the next start writes it again),
    /// and flushing it, written as the agent becomes ready, waited for the journal to commit every status file before.
    public func write(_ layout: SiteLayout) throws {
        try AtomicFile.write(yaml, to: layout.agentInfo, mode: 0o644, skipIfUnchanged: false, durable: false)
    }

    /// Removes the file if it still names this process.
    public func remove(_ layout: SiteLayout) {
        if AgentInfo.read(layout)?.pid == pid { try? FileManager.default.removeItem(at: layout.agentInfo) }
    }
}
