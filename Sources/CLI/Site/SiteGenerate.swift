import ArgumentParser
import Resources

/// `skupper site generate <name>`: prints a Site resource without writing it.
public struct SiteGenerate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a site resource and output it to the screen.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the site.") public var name: String
    @Flag(name: .customLong("enable-link-access"), help: "Allow access for incoming links from remote sites.")
    public var enableLinkAccess = false
    @Option(name: .customLong("link-access-type"), help: "The type of link access (default: default).")
    public var linkAccessType: String?
    @Flag(help: "Run the router in edge mode.") public var edge = false
    @Option(name: .shortAndLong, help: "Output format. Choices: yaml, json.") public var output: OutputFormat = .yaml

    public init() {}

    public func validate() throws {
        try Names.validate(name, "site name")
        _ = try linkAccessValue(enable: enableLinkAccess, type: linkAccessType)
    }

    public func run() throws {
        let spec = SiteSpec(linkAccess: try linkAccessValue(enable: enableLinkAccess, type: linkAccessType), edge: edge)
        Console.outRaw(Rendering.resources([Resource(metadata: ObjectMeta(name: name), spec: .site(spec))], output))
    }
}
