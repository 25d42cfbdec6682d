import ArgumentParser
import Resources

/// `skupper listener status [name]`: the listeners' statuses as the agent reports them.
public struct ListenerStatus: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "status", abstract: "Display the listener status.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of one listener (default: all).") public var name: String?
    @Option(name: .shortAndLong, help: "Print the status documents instead of a table. Choices: yaml, json.")
    public var output: OutputFormat?

    public init() {}

    public func validate() throws { if let name { try Names.validate(name, "listener name") } }

    public func run() throws {
        try StatusListing<ListenerSpec>(
            columns: [
                ("Name", "NAME"), ("Status", "STATUS"), ("Routing key", "ROUTING-KEY"), ("Host", "HOST"), ("Port", "PORT"),
                ("Has Matching Connector", "MATCHING-CONNECTOR"), ("Message", "MESSAGE"),
            ],
            notFound: { "listener \($0) does not exist in \($1)" },
            noneFound: "No listeners found",
            row: { resource, document in
                let spec = resource.spec, status = document.status
                return [
                    resource.name, status.phase.rawValue, spec.routingKey, spec.host, String(spec.port),
                    String(ServiceStatusView(status, kind: .listener).hasMatch), status.message,
                ]
            }
        ).run(global, name: name, output: output)
    }
}
