import ArgumentParser
import Foundation
import Resources
import SiteFiles

/// `skupper system start`: starts the namespace's agent (which renders the site and starts its router).
public struct SystemStart: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Create a non-kube site based on provided Skupper Custom Resources",
        discussion: """
            Start the Skupper router for the current site. This starts the systemd service for the current namespace: \
            the agent skupperd@<namespace>.service, which renders the site from <config-dir>/input/resources and \
            runs its router. Install the service first with `skupper system install`. Where systemd does not run, \
            start the agent itself instead: `skupperd` (it runs the router as its child). `system setup`, Skupper \
            2.0's name, is this command.
            """,
        aliases: ["setup"])

    @OptionGroup public var options: SystemOptions

    public init() {}

    public func run() throws {
        let layout = options.layout
        let sources = ((try? FileManager.default.contentsOfDirectory(atPath: layout.inputResources.path)) ?? []).filter(ResourceLoader.isResourceFile)
        guard !sources.isEmpty else {
            Console.out("Namespace \"\(options.namespace)\" does not exist")
            throw CLIError("No sources found at: \(layout.inputResources.path)")
        }
        Console.out("Sources will be consumed from namespace \"\(options.namespace)\"")
        let agent = options.global.agent
        // No unit to start (no systemd, or none installed): an agent started by hand may already run the namespace.
        guard try options.isLoaded(options.agentUnit) else {
            if let info = AgentInfo.running(layout) {
                Console.out("The agent already runs this namespace, started by hand (pid \(info.pid), platform \(info.platform))")
                return
            }
            guard options.systemdRuns else {
                throw CLIError(
                    "systemd does not run on this machine, so there is no service to start",
                    hints: ["Start the agent itself (it runs the router as its child): \(agent.startCommand)"])
            }
            throw CLIError(
                "the agent's unit \(options.agentUnit) is not installed",
                hints: ["Install it: skupper system install\(agent.selection)", "or start the agent itself: \(agent.startCommand)"])
        }
        // Type=notify: this returns once the agent has rendered the site and reported READY.
        try options.systemctlChecked(["start", options.agentUnit])
        let site = options.global.site
        guard let resource = site.site() else {
            Console.out("The agent \(options.agentUnit) is running; no Site is defined in \(layout.inputResources.path) yet")
            return
        }
        Console.out("Site \"\(resource.name)\" has been created on namespace \"\(options.namespace)\"")
        if let info = AgentInfo.read(layout) { Console.out("Platform: \(info.platform)") }
        if let status = site.status(resource.id)?.status, status.phase != .ready {
            Console.out("Status: \(status.phase.rawValue): \(status.message)")
        }
        Console.out("Definition is available at: \(layout.inputResources.path)")
    }
}
