import ArgumentParser
import Resources

/// `skupper connector create <name> <port>`: writes a Connector.
public struct ConnectorCreate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a connector.",
        discussion: "Connections from listeners with the same routing key, at any site in the network, are delivered to the connector's host and port.")

    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var settings: ConnectorSettings
    @OptionGroup public var waiting: WaitOptions

    public init() {}

    public func run() throws {
        let site = global.site
        try waiting.check(global.agent)
        let resource = settings.resource
        if site.entry(resource.id) != nil {
            throw CLIError(
                "There is already a connector \(resource.name) created for namespace \(global.namespace)",
                hints: ["You can use \"skupper connector update \(resource.name)\" to change it."])
        }
        let url = try site.write(resource)
        Console.out("File written to \(url.path)")
        try waiting.run(site, resource.id)
    }
}
