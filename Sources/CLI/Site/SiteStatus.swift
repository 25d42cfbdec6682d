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
        guard let resource = site.site() else {
            Console.out("There is no existing Skupper site resource")
            return
        }
        let document = site.statusOrPending(resource.id)
        if let output {
            Console.outRaw(Rendering.statuses([document], output, single: true))
            return
        }
        let status = document.status
        var table = Table("NAME", "STATUS", "SITES-IN-NETWORK", "MESSAGE")
        table.add(resource.name, status.phase.rawValue, SiteStatusView(status).sitesInNetwork.map(String.init) ?? "", status.message)
        Console.outRaw(table.text)
    }
}
