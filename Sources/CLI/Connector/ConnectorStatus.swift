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
        let site = global.site
        var entries = site.entries(of: .connector)
        if let name {
            entries = entries.filter { $0.resource.name == name }
            guard !entries.isEmpty else { throw CLIError("connector \(name) does not exist in namespace \(global.namespace)") }
        }
        guard !entries.isEmpty else {
            Console.out("No connectors found")
            return
        }
        let documents = entries.map { site.statusOrPending($0.resource.id) }
        if let output {
            Console.outRaw(Rendering.statuses(documents, output, single: name != nil))
            return
        }
        let rows = zip(entries, documents).map { entry, document -> [String] in
            let spec = entry.resource.connector!, status = document.status
            return [entry.resource.name, status.phase.rawValue, spec.routingKey, spec.host, String(spec.port),
                    status.field("hasMatchingListener")?.text ?? "false", status.message]
        }
        if name != nil, let row = rows.first {
            Console.outRaw(details(zip(["Name", "Status", "Routing key", "Host", "Port", "Has matching listener", "Message"], row).map { ($0, $1) }))
            return
        }
        var table = Table("NAME", "STATUS", "ROUTING-KEY", "HOST", "PORT", "HAS-MATCHING-LISTENER", "MESSAGE")
        table.rows = rows
        Console.outRaw(table.text)
    }
}
