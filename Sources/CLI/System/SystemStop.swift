import ArgumentParser
import Foundation
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// `skupper system stop`: stops the namespace's agent and its router. The definition stays.
public struct SystemStop: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop the namespace's agent and its router; the site's files stay",
        discussion: """
            Stop the Skupper router for the current site. This stops the systemd service for the current namespace: \
            the agent skupperd@<namespace>.service and the router's skupper-<namespace>.service, or an agent started \
            by hand (SIGTERM; its router stops with it). Unlike Skupper v2's stop, which removes the namespace, the \
            namespace's resources and runtime files are kept: `skupper system start` brings the site back; \
            `skupper system uninstall --force` (or `teardown`) removes it.
            """)

    @OptionGroup public var options: SystemOptions

    public init() {}

    public func run() throws {
        try options.global.agent.requireReadable()
        var stopped = false
        if try options.isLoaded(options.agentUnit) {
            try options.systemctlChecked(["stop", options.agentUnit])
            stopped = true
        }
        if let info = AgentInfo.running(options.layout) {
            // An agent started by hand: ask it to stop as systemd would, and wait for it (it stops within 2 s).
            guard kill(info.pid, SIGTERM) == 0 else { throw CLIError("cannot signal the agent (pid \(info.pid)): \(String(cString: strerror(errno)))") }
            Console.out("Sent SIGTERM to the agent (pid \(info.pid))")
            let deadline = Date().addingTimeInterval(10)
            while AgentLock.isHeld(options.layout) && Date() < deadline { usleep(50_000) }
            stopped = true
        }
        if try options.isLoaded(options.routerUnit) {
            try options.systemctlChecked(["stop", options.routerUnit])
            stopped = true
        }
        guard stopped else {
            Console.out("Namespace \"\(options.namespace)\" has no running agent or router: nothing to stop")
            return
        }
        Console.out("Namespace \"\(options.namespace)\" has been stopped")
    }
}
