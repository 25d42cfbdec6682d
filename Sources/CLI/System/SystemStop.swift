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
        abstract: "Remove the Skupper components and resources from the from the current namespace",
        discussion: """
            Stop the Skupper router for the current site. This stops the systemd service for the current namespace: \
            the agent skupperd@<namespace>.service and the router's skupper-<namespace>.service. Unlike Skupper v2, \
            the namespace's resources and runtime files are kept: `skupper system start` brings the site back.
            """)

    @OptionGroup public var options: SystemOptions

    public init() {}

    public func run() throws {
        var stopped = false
        if try options.isLoaded(options.agentUnit) {
            try options.systemctlChecked(["stop", options.agentUnit])
            stopped = true
        } else if let info = AgentInfo.running(options.layout) {
            // An agent started by hand: ask it to stop as systemd would.
            guard kill(info.pid, SIGTERM) == 0 else { throw CLIError("cannot signal the agent (pid \(info.pid)): \(String(cString: strerror(errno)))") }
            Console.out("Sent SIGTERM to the agent (pid \(info.pid))")
            stopped = true
        }
        if try options.isLoaded(options.routerUnit) {
            try options.systemctlChecked(["stop", options.routerUnit])
            stopped = true
        }
        guard stopped else {
            throw CLIError("namespace \"\(options.namespace)\" has no agent or router to stop (\(options.agentUnit) is not installed)")
        }
        Console.out("Namespace \"\(options.namespace)\" has been stopped")
    }
}
