import ArgumentParser
import Resources

/// `skupper listener`: local endpoints whose connections go to connectors with the same routing key.
public struct ListenerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "listener",
        abstract: "A binding to a local connection endpoint.",
        discussion: "A listener is a local endpoint: its connections are routed to the connectors with the same routing key at sites in the network.",
        subcommands: [ListenerCreate.self, ListenerUpdate.self, ListenerDelete.self, ListenerStatus.self, ListenerGenerate.self])

    public init() {}
}

/// The options `listener create` and `listener generate` share.
public struct ListenerSettings: ParsableArguments {
    @Argument(help: "The name of the listener.") public var name: String
    @Argument(help: "The port of the local listener.") public var port: Int
    @Option(
        name: [.customLong("routing-key"), .customShort("r")], help: "The identifier used to route traffic from listeners to connectors (default: the name).")
    public var routingKey: String?
    @Option(help: "The hostname or IP address of the local listener.") public var host: String = "0.0.0.0"
    @Option(name: .customLong("tls-credentials"), help: "The name of the TLS credentials (a Secret) for clients of this listener.")
    public var tlsCredentials: String?
    @Option(help: "The listener type. Choices: [tcp].") public var type: String = "tcp"

    public init() {}

    public func validate() throws {
        try Names.validate(name, "listener name")
        try Names.validatePort(port, "listener port")
        if let routingKey { try Names.validate(routingKey, "routing key") }
        try Names.validateHost(host)
        if let tlsCredentials { try Names.validate(tlsCredentials, "tlsCredentials value") }
        guard type == "tcp" else { throw ValidationError("listener type is not valid: value \(type) not allowed. It should be one of this options: [tcp]") }
    }

    /// The Listener these settings describe.
    public var resource: Resource {
        Resource(
            metadata: ObjectMeta(name: name),
            spec: .listener(
                ListenerSpec(
                    routingKey: routingKey ?? name, host: host, port: port, tlsCredentials: tlsCredentials, type: type)))
    }
}
