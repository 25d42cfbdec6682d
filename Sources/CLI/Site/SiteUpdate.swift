import ArgumentParser
import Resources

/// `skupper site update [name]`: changes the Site's link access or mode, keeping its other settings.
public struct SiteUpdate: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "update", abstract: "Change site settings.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the site (default: the namespace's site).") public var name: String?
    @Flag(name: .customLong("link-access"), inversion: .prefixedEnableDisable, help: "Allow or refuse incoming links from remote sites.")
    public var linkAccess: Bool?
    @Option(name: .customLong("link-access-type"), help: "The type of link access (implies --enable-link-access).")
    public var linkAccessType: String?
    @Flag(inversion: .prefixedNo, help: "Run the router in edge mode, or not.") public var edge: Bool?
    @OptionGroup public var waiting: WaitOptions

    public init() {}

    public func validate() throws {
        if let name { try Names.validate(name, "site name") }
        if linkAccess == false, linkAccessType != nil { throw ValidationError("--link-access-type cannot be used with --disable-link-access") }
    }

    public func run() throws {
        let site = global.site
        try waiting.check(global.agent)
        guard let current = site.site() else { throw CLIError("there is no site in \(global.whereLooked) to update") }
        if let name, name != current.name { throw CLIError("site \(name) must exist to be updated") }
        guard let entry = site.entry(current.id) else { throw CLIError("site \(current.name) must exist to be updated") }
        guard var spec = current.site else { throw CLIError("site \(current.name) must exist to be updated") }
        if let linkAccessType, !linkAccessType.isEmpty {
            spec.linkAccess = linkAccessType
        } else if linkAccess == true, !spec.linkAccessEnabled {
            spec.linkAccess = "default"
        } else if linkAccess == false {
            spec.linkAccess = nil
        }
        if let edge { spec.edge = edge }
        guard spec != current.site else {
            let what = linkAccess == nil && linkAccessType == nil && edge == nil ? "no option was given" : "it already has these settings"
            Console.out("Site \"\(current.name)\" unchanged: \(what) (see skupper site update --help)")
            return
        }
        var resource = current
        resource.spec = .site(spec)
        let url = try site.write(resource, to: try site.updateTarget(entry))
        Console.out("File written to \(url.path)")
        try waiting.run(site, resource.id)
    }
}
