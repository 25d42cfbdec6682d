import ArgumentParser
import Resources

/// `skupper site status`: the Site's status as the agent reports it.
public struct SiteStatus: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "status", abstract: "Get the site status.")

    @OptionGroup public var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Print the status document instead of a table. Choices: yaml, json.")
    public var output: OutputFormat?

    public init() {}

    public func run() throws {
        let site = global.site
        try global.agent.requireReadable()
        guard let resource = site.site() else {
            Console.out("There is no existing Skupper site resource in \(global.whereLooked)")
            return
        }
        let document = global.agent.shown(site.status(resource.id), id: resource.id)
        if let output {
            Console.outRaw(Rendering.statuses([document], output, single: true))
            return
        }
        let status = document.status
        // Skupper v2's columns; -o yaml shows the network.
        var table = Table("NAME", "STATUS", "MESSAGE")
        table.add(resource.name, status.phase.rawValue, status.message)
        Console.outRaw(table.text)
    }
}
