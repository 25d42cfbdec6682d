import ArgumentParser
import Resources

/// `skupper connector update <name>`: changes a Connector, keeping what is not given.
public struct ConnectorUpdate: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "update", abstract: "Change connector settings.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the connector.") public var name: String
    @Option(name: [.customLong("routing-key"), .customShort("r")], help: "The identifier used to route traffic from listeners to connectors.")
    public var routingKey: String?
    @Option(help: "The hostname or IP address of the local server.") public var host: String?
    @Option(help: "The port of the local server.") public var port: Int?
    @Option(name: .customLong("tls-credentials"), help: "The name of the TLS credentials (a Secret) towards the server.")
    public var tlsCredentials: String?
    @Option(help: "The connector type. Choices: [tcp].") public var type: String?
    @Flag(
        name: .customLong("include-not-ready"), inversion: .prefixedNo,
        help: "Include server pods that are not ready. Kubernetes only: written into the Connector; a site on this machine ignores it.")
    public var includeNotReady: Bool?
    @OptionGroup public var waiting: WaitOptions

    public init() {}

    public func validate() throws {
        try Names.validate(name, "connector name")
        if let routingKey { try Names.validate(routingKey, "routing key") }
        if let host { try Names.validateHost(host) }
        if let port { try Names.validatePort(port, "connector port") }
        if let tlsCredentials { try Names.validate(tlsCredentials, "tlsCredentials value") }
        if let type, type != "tcp" { throw ValidationError("connector type is not valid: value \(type) not allowed. It should be one of this options: [tcp]") }
    }

    public func run() throws {
        let site = global.site
        try waiting.check(global.agent)
        guard let entry = site.entry(ResourceID(.connector, name)), var spec = entry.resource.connector else {
            throw CLIError("connector \(name) must exist in namespace \(global.namespace) to be updated")
        }
        if let routingKey { spec.routingKey = routingKey }
        if let host { spec.host = host }
        if let port { spec.port = port }
        if let tlsCredentials { spec.tlsCredentials = tlsCredentials }
        if let type { spec.type = type }
        if let includeNotReady { spec.includeNotReadyPods = includeNotReady }
        var resource = entry.resource
        resource.spec = .connector(spec)
        let url = try site.write(resource, to: try site.updateTarget(entry))
        Console.out("File written to \(url.path)")
        try waiting.run(site, resource.id)
    }
}
