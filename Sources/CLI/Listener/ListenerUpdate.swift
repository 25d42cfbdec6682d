import ArgumentParser
import Resources

/// `skupper listener update <name>`: changes a Listener, keeping what is not given.
public struct ListenerUpdate: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "update", abstract: "Change listener settings.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the listener.") public var name: String
    @Option(name: [.customLong("routing-key"), .customShort("r")], help: "The identifier used to route traffic from listeners to connectors.")
    public var routingKey: String?
    @Option(help: "The hostname or IP address of the local listener.") public var host: String?
    @Option(help: "The port of the local listener.") public var port: Int?
    @Option(name: .customLong("tls-credentials"), help: "The name of the TLS credentials (a Secret) for clients of this listener.")
    public var tlsCredentials: String?
    @Option(help: "The listener type. Choices: [tcp].") public var type: String?
    @OptionGroup public var waiting: WaitOptions

    public init() {}

    public func validate() throws {
        try Names.validate(name, "listener name")
        if let routingKey { try Names.validate(routingKey, "routing key") }
        if let host { try Names.validateHost(host) }
        if let port { try Names.validatePort(port, "listener port") }
        if let tlsCredentials { try Names.validate(tlsCredentials, "tlsCredentials value") }
        if let type, type != "tcp" { throw ValidationError("listener type is not valid: value \(type) not allowed. It should be one of this options: [tcp]") }
    }

    public func run() throws {
        let site = global.site
        try waiting.check(global.agent)
        guard let entry = site.entry(ResourceID(.listener, name)), var spec = entry.resource.listener else {
            throw CLIError("listener \(name) must exist in namespace \(global.namespace) to be updated")
        }
        if let routingKey { spec.routingKey = routingKey }
        if let host { spec.host = host }
        if let port { spec.port = port }
        if let tlsCredentials { spec.tlsCredentials = tlsCredentials }
        if let type { spec.type = type }
        var resource = entry.resource
        resource.spec = .listener(spec)
        let url = try site.write(resource, to: try site.updateTarget(entry))
        Console.out("File written to \(url.path)")
        try waiting.run(site, resource.id)
    }
}
