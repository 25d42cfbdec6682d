import ArgumentParser
import Resources

/// `skupper link status [name]`: the links' statuses, including links made by redeeming tokens.
public struct LinkStatus: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "status", abstract: "Display the link status.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of one link (default: all).") public var name: String?
    @Option(name: .shortAndLong, help: "Print the status documents instead of a table. Choices: yaml, json.")
    public var output: OutputFormat?

    public init() {}

    public func validate() throws { if let name { try Names.validate(name, "link name") } }

    public func run() throws {
        let site = global.site
        var entries = site.entries(of: .link)
        if let name {
            entries = entries.filter { $0.resource.name == name }
            guard !entries.isEmpty else { throw CLIError("There is no link resource in the namespace with the name \"\(name)\"") }
        }
        guard !entries.isEmpty else {
            Console.out("There are no link resources in the namespace")
            return
        }
        let documents = entries.map { site.statusOrPending($0.resource.id) }
        if let output {
            Console.outRaw(Rendering.statuses(documents, output, single: name != nil))
            return
        }
        let rows = zip(entries, documents).map { entry, document -> [String] in
            [entry.resource.name, document.status.phase.rawValue, String(entry.resource.link!.cost), document.status.message]
        }
        if name != nil, let row = rows.first {
            Console.outRaw(details(zip(["Name", "Status", "Cost", "Message"], row).map { ($0, $1) }))
            return
        }
        var table = Table("NAME", "STATUS", "COST", "MESSAGE")
        table.rows = rows
        Console.outRaw(table.text)
    }
}
