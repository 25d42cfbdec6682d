import ArgumentParser

/// `skupper link`: site-to-site communication channels.
public struct LinkCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "A site-to-site communication channel.",
        discussion: "A link is a channel for communication between two sites. Links serve to carry application connections and requests.",
        subcommands: [LinkStatus.self, LinkDelete.self, LinkGenerate.self])

    public init() {}
}
