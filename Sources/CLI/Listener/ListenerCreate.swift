import ArgumentParser
import Resources

/// `skupper listener create <name> <port>`: writes a Listener.
public struct ListenerCreate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a listener.",
        discussion: "Clients at this site use the listener host and port to establish connections to the remote service.")

    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var settings: ListenerSettings
    @OptionGroup public var waiting: WaitOptions

    public init() {}

    public func run() throws {
        let site = global.site
        try waiting.check(global.agent)
        let resource = settings.resource
        if site.entry(resource.id) != nil {
            throw CLIError(
                "There is already a listener \(resource.name) created for namespace \(global.namespace)",
                hints: ["You can use \"skupper listener update \(resource.name)\" to change it."])
        }
        let url = try site.write(resource)
        Console.out("File written to \(url.path)")
        try waiting.run(site, resource.id)
    }
}
