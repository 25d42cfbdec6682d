import ArgumentParser
import Resources

/// `skupper site create <name>`: writes the namespace's Site.
public struct SiteCreate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a new site.",
        discussion: """
            A site is a place where components of your application are running. Sites are linked to form application networks. \
            There can be only one site definition per namespace.
            """)

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the site.") public var name: String
    @Flag(name: .customLong("enable-link-access"), help: "Allow access for incoming links from remote sites.")
    public var enableLinkAccess = false
    @Option(name: .customLong("link-access-type"), help: "The type of link access (default: default).")
    public var linkAccessType: String?
    @Flag(help: "Run the router in edge mode (it cannot accept links).") public var edge = false
    @OptionGroup public var waiting: WaitOptions

    public init() {}

    public func validate() throws {
        try Names.validate(name, "site name")
        _ = try linkAccessValue(enable: enableLinkAccess, type: linkAccessType)
    }

    public func run() throws {
        let site = global.site
        try waiting.check(global.agent)
        if let other = site.site(), other.name != name {
            throw CLIError(
                "Site \"\(name)\" cannot be created: \(SitePlan.secondSite(active: other.name)) (\(global.whereLooked))",
                hints: ["Delete it first (skupper site delete \(other.name)), or create the site in another namespace with -n."])
        }
        let spec = SiteSpec(linkAccess: try linkAccessValue(enable: enableLinkAccess, type: linkAccessType), edge: edge)
        let resource = Resource(metadata: ObjectMeta(name: name), spec: .site(spec))
        let target = try site.entry(resource.id).map(site.updateTarget) ?? site.inputFile(resource.id)
        let url = try site.write(resource, to: target)
        Console.out("File written to \(url.path)")
        try waiting.run(site, resource.id)
    }
}
