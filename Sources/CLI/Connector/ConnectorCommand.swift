import ArgumentParser
import Resources

/// `skupper connector`: where connections for a routing key are delivered at this site.
public struct ConnectorCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "connector",
        abstract: "A binding to a local server.",
        discussion: "A connector delivers the connections for a routing key to a host and port reachable from this site.",
        subcommands: [ConnectorCreate.self, ConnectorUpdate.self, ConnectorDelete.self, ConnectorStatus.self, ConnectorGenerate.self])

    public init() {}
}

/// The options `connector create` and `connector generate` share.
public struct ConnectorSettings: ParsableArguments {
    @Argument(help: "The name of the connector.") public var name: String
    @Argument(help: "The port of the local server.") public var port: Int
    @Option(
        name: [.customLong("routing-key"), .customShort("r")], help: "The identifier used to route traffic from listeners to connectors (default: the name).")
    public var routingKey: String?
    @Option(help: "The hostname or IP address of the local server.") public var host: String = "localhost"
    @Option(name: .customLong("tls-credentials"), help: "The name of the TLS credentials (a Secret) towards the server.")
    public var tlsCredentials: String?
    @Option(help: "The connector type. Choices: [tcp].") public var type: String = "tcp"
    @Flag(
        name: .customLong("include-not-ready"),
        help:
            "If true, include server pods that are not in the ready state. Kubernetes only: written into the Connector for a site on Kubernetes to read; a site on this machine has no pods and ignores it."
    )
    public var includeNotReady = false

    public init() {}

    public func validate() throws {
        try Names.validate(name, "connector name")
        try Names.validatePort(port, "connector port")
        if let routingKey { try Names.validate(routingKey, "routing key") }
        try Names.validateHost(host)
        if let tlsCredentials { try Names.validate(tlsCredentials, "tlsCredentials value") }
        guard type == "tcp" else { throw ValidationError("connector type is not valid: value \(type) not allowed. It should be one of this options: [tcp]") }
    }

    /// The Connector these settings describe.
    public var resource: Resource {
        Resource(
            metadata: ObjectMeta(name: name),
            spec: .connector(
                ConnectorSpec(
                    routingKey: routingKey ?? name, host: host, port: port, tlsCredentials: tlsCredentials, type: type,
                    includeNotReadyPods: includeNotReady)))
    }
}
