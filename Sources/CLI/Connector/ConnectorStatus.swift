import ArgumentParser
import Resources

/// `skupper connector status [name]`: the connectors' statuses as the agent reports them.
public struct ConnectorStatus: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "status", abstract: "Display the connector status.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of one connector (default: all).") public var name: String?
    @Option(name: .shortAndLong, help: "Print the status documents instead of a table. Choices: yaml, json.")
    public var output: OutputFormat?

    public init() {}

    public func validate() throws { if let name { try Names.validate(name, "connector name") } }

    public func run() throws {
        try StatusListing<ConnectorSpec>(
            // Skupper v2's columns, its spaced "HAS MATCHING LISTENER" included.
            columns: [
                ("Name", "NAME"), ("Status", "STATUS"), ("Routing key", "ROUTING-KEY"), ("Selector", "SELECTOR"), ("Host", "HOST"),
                ("Port", "PORT"), ("Has Matching Listener", "HAS MATCHING LISTENER"), ("Message", "MESSAGE"),
            ],
            notFound: { "connector \($0) does not exist in \($1)" },
            noneFound: "No connectors found",
            row: { resource, document in
                let spec = resource.spec, status = document.status
                return [
                    resource.name, status.phase.rawValue, spec.routingKey, spec.selector ?? "", spec.host, String(spec.port),
                    String(ServiceStatusView(status, kind: .connector).hasMatch), status.message,
                ]
            }
        ).run(global, name: name, output: output)
    }
}
