import ArgumentParser

/// `skupper debug`: site diagnostics, as Skupper v2's `skupper debug` group.
public struct DebugCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "debug site details",
        discussion: "debug site details\n\nExample: skupper debug dump <filename>",
        subcommands: [DebugDump.self])

    public init() {}
}
