import ArgumentParser
import Foundation
import HostSupport
import Platforms
import Resources
import SiteFiles
import TextSupport

/// `skupper system status`: the agent, its router and the Site, as the platform that runs them tells; exits with
/// status 3 (as `systemctl status` does for a unit that is not running) when any of them is down.
public struct SystemStatus: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the state of the namespace's agent, its router and its Site",
        discussion: """
            The agent: its unit where systemd runs it, else the process (pid, platform, version, uptime). The router: \
            the agent's child process (process platform), its container (docker, podman) or its unit (linux). The \
            Site: its status, or that the agent that would write it is not running. Exit status 3 when something is down.
            """)

    @OptionGroup public var options: SystemOptions

    public init() {}

    /// The exit status when the agent, the router or the Site is not up.
    public static let downStatus: Int32 = 3

    public func run() throws {
        let layout = options.layout, agent = options.global.agent
        try agent.requireReadable()
        Console.out("Namespace: \(options.namespace) (\(layout.root.path))")
        var up = true
        let info = AgentInfo.running(layout)
        let unit = options.systemdRuns ? try? options.show(options.agentUnit).get() : nil
        if let unit, unit["LoadState"] != "not-found" {
            var line = "Agent: \(options.agentUnit) \(Self.describe(unit))"
            if let text = unit["StatusText"], !text.isEmpty { line += ": \(text)" }
            Console.out(line)
            up = up && unit["ActiveState"] == "active"
        }
        if let info {
            Console.out("Agent process: pid \(info.pid), platform \(info.platform), version \(info.version), up \(Self.uptime(since: info.started))")
            if let console = info.console { Console.out("Network console: \(console)") }
        } else if agent.presence == .held {
            Console.out("Agent process: starting (it holds \(layout.agentLock.path))")
        } else {
            Console.out("Agent process: not running; start it: \(agent.startCommand)")
            up = false
        }
        // What runs the router: the running agent's platform, else the one asked for, else the installed unit's.
        let platform =
            info.flatMap { try? PlatformKind.parse($0.platform) } ?? (try? options.global.platformKind) ?? options.installedPlatform
            ?? PlatformKind.agentDefault
        up = router(platform, running: info != nil) && up
        let site = options.global.site
        if let resource = site.site() {
            let status = agent.shown(site.status(resource.id), id: resource.id).status
            Console.out("Site \"\(resource.name)\": \(status.phase.rawValue): \(status.message)")
            up = up && status.phase == .ready
        } else {
            Console.out("Site: none defined in \(layout.inputResources.path)")
            up = false
        }
        if !up { throw ExitCode(Self.downStatus) }
    }

    /// Prints the router's line as its platform knows it; returns whether it is up (or needs not be).
    func router(_ platform: PlatformKind, running agentRuns: Bool) -> Bool {
        let layout = options.layout
        switch platform {
        case .process:
            let pid = (try? String(contentsOf: ProcessPlatform.pidFile(layout), encoding: .utf8)).flatMap { Int32($0.trimmingWhitespace()) }
            if let pid, ProcessPlatform.isRouter(pid, config: layout.routerConfig.path) {
                Console.out("Router: skrouterd, pid \(pid) (the agent's child process)")
                return true
            }
            Console.out("Router: not running (process platform: it runs as the agent's child\(agentRuns ? "; see the Site's status" : ", with the agent"))")
            return false
        case .docker, .podman:
            Console.out("Router: container \(RouterContainer.containerName(namespace: options.namespace)) (\(platform.rawValue); see the Site's status)")
            return agentRuns
        case .linux, .systemd:
            guard options.systemdRuns else {
                Console.out("Router: unit \(options.routerUnit), but systemd does not run on this machine")
                return false
            }
            switch options.show(options.routerUnit) {
            case .success(let properties) where properties["LoadState"] != "not-found":
                Console.out("Router: \(options.routerUnit) \(Self.describe(properties))")
                return properties["ActiveState"] == "active"
            case .success:
                Console.out("Router: \(options.routerUnit) is not installed")
                return false
            case .failure(let error):
                Console.out("Router: \(options.routerUnit): unknown (\(error.message))")
                return false
            }
        case .render:
            Console.out("Router: none (render platform: the configuration is only written)")
            return true
        }
    }

    /// "active (running), pid 12, enabled".
    static func describe(_ properties: [String: String]) -> String {
        var text = properties["ActiveState"] ?? "unknown"
        if let sub = properties["SubState"], !sub.isEmpty { text += " (\(sub))" }
        if let pid = properties["MainPID"].flatMap(Int.init), pid > 0 { text += ", pid \(pid)" }
        if let state = properties["UnitFileState"], !state.isEmpty { text += ", \(state)" }
        return text
    }

    /// The time since an RFC 3339 time, as Go writes a duration ("3h2m10s", "42s").
    static func uptime(since started: String, now: Date = Date()) -> String {
        guard let date = UTCTimestamp.date(started) else { return "since \(started)" }
        return GoDuration(seconds: max(0, now.timeIntervalSince(date).rounded(.down))).description
    }
}
