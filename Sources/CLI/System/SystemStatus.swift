import ArgumentParser
import Foundation
import Platforms
import Resources
import SiteFiles

/// `skupper system status`: the agent's and the router's state and the Site's status.
public struct SystemStatus: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the state of the namespace's agent, its router and its Site")

    @OptionGroup public var options: SystemOptions

    public init() {}

    public func run() throws {
        let layout = options.layout
        Console.out("Namespace: \(options.namespace) (\(layout.root.path))")
        let info = AgentInfo.running(layout)
        let locked = AgentLock.isHeld(layout)
        switch options.show(options.agentUnit) {
        case .success(let properties) where properties["LoadState"] != "not-found":
            var line = "Agent: \(options.agentUnit) \(Self.describe(properties))"
            if let text = properties["StatusText"], !text.isEmpty { line += ": \(text)" }
            Console.out(line)
        case .success:
            Console.out("Agent: \(options.agentUnit) is not installed")
        case .failure(let error):
            Console.out("Agent: \(options.agentUnit): unknown (\(error.message))")
        }
        if let info {
            Console.out("Agent process: pid \(info.pid), platform \(info.platform), version \(info.version), started \(info.started)")
        } else if locked {
            Console.out("Agent process: running (it holds \(layout.agentLock.path); starting)")
        } else {
            Console.out("Agent process: not running")
        }
        switch options.show(options.routerUnit) {
        case .success(let properties) where properties["LoadState"] != "not-found":
            Console.out("Router: \(options.routerUnit) \(Self.describe(properties))")
        case .success:
            Console.out("Router: \(options.routerUnit) is not installed")
        case .failure(let error):
            Console.out("Router: \(options.routerUnit): unknown (\(error.message))")
        }
        let site = options.global.site
        if let resource = site.site() {
            let status = site.statusOrPending(resource.id).status
            Console.out("Site \"\(resource.name)\": \(status.phase.rawValue): \(status.message)")
        } else {
            Console.out("Site: none defined in \(layout.inputResources.path)")
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
}
