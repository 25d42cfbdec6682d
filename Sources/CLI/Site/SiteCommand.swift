import ArgumentParser

/// `skupper site`: the namespace's Site.
public struct SiteCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "A site is where skupper is deployed and components of your application are running.",
        discussion: "A site is a place where components of your application are running. Sites are linked to form application networks.",
        subcommands: [SiteCreate.self, SiteUpdate.self, SiteDelete.self, SiteStatus.self, SiteGenerate.self])

    public init() {}
}

/// The link access a site's options ask for: nil when link access stays off.
func linkAccessValue(enable: Bool, type: String?) throws -> String? {
    if let type, !type.isEmpty {
        guard enable else {
            throw ValidationError("for the site to work with this type of linkAccess, the --enable-link-access option must be set to true")
        }
        return type
    }
    return enable ? "default" : nil
}
