import ArgumentParser
import Foundation
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// `skupper system reload`: makes the agent read the namespace's input resources again (SIGHUP).
public struct SystemReload: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Forces to overwrite an existing namespace based on input/resources",
        discussion: """
            Forces to overwrite an existing namespace based on input/resources, if the namespace is not provided, \
            the default one is going to be reloaded. The agent re-reads every input file: `systemctl reload` of \
            skupperd@<namespace>.service, or SIGHUP to the pid in <config-dir>/runtime/agent.yaml for an agent \
            started by hand. Not needed after a change: the agent applies changed files as they are written.
            """)

    @OptionGroup public var options: SystemOptions

    public init() {}

    public func run() throws {
        let name = options.global.site.site()?.name
        try options.global.agent.requireReadable()
        let unitActive: Bool
        switch options.show(options.agentUnit) {
        case .success(let properties): unitActive = properties["ActiveState"] == "active"
        case .failure: unitActive = false  // no systemd here: try the pid file
        }
        if unitActive {
            try options.systemctlChecked(["reload", options.agentUnit])
        } else if let info = AgentInfo.running(options.layout) {
            guard kill(info.pid, SIGHUP) == 0 else { throw CLIError("cannot signal the agent (pid \(info.pid)): \(String(cString: strerror(errno)))") }
        } else {
            throw CLIError(
                "no agent is running for namespace \"\(options.namespace)\" (\(options.layout.root.path)): nothing to reload",
                hints: ["Start it (it reads every file as it starts): \(options.global.agent.startCommand)"])
        }
        if let name {
            Console.out("Site \"\(name)\" has been reloaded on namespace \"\(options.namespace)\"")
        } else {
            Console.out("Namespace \"\(options.namespace)\" has been reloaded")
        }
    }
}
