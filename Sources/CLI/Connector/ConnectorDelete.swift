import ArgumentParser
import Resources

/// `skupper connector delete <name>`: removes a Connector.
public struct ConnectorDelete: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a connector.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the connector.") public var name: String

    public init() {}

    public func validate() throws { try Names.validate(name, "connector name") }

    public func run() throws {
        let site = global.site
        guard let entry = site.entry(ResourceID(.connector, name)) else { throw CLIError("connector \(name) does not exist in \(global.whereLooked)") }
        try site.remove(entry)
        Console.out("Connector \"\(name)\" deleted (\(entry.file.path) removed).")
    }
}
