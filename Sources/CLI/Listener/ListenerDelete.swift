import ArgumentParser
import Resources

/// `skupper listener delete <name>`: removes a Listener.
public struct ListenerDelete: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a listener.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the listener.") public var name: String

    public init() {}

    public func validate() throws { try Names.validate(name, "listener name") }

    public func run() throws {
        let site = global.site
        guard let entry = site.entry(ResourceID(.listener, name)) else { throw CLIError("listener \(name) does not exist in \(global.whereLooked)") }
        try site.remove(entry)
        Console.out("Listener \"\(name)\" deleted (\(entry.file.path) removed).")
    }
}
