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
        try StatusListing<LinkSpec>(
            columns: [("Name", "NAME"), ("Status", "STATUS"), ("Cost", "COST"), ("Message", "MESSAGE")],
            notFound: { name, whereLooked in "There is no link resource in the namespace with the name \"\(name)\" (\(whereLooked))" },
            noneFound: "There are no link resources in the namespace",
            row: { resource, document in
                [resource.name, document.status.phase.rawValue, String(resource.spec.cost), document.status.message]
            }
        ).run(global, name: name, output: output)
    }
}
