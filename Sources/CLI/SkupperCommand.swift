import ArgumentParser

/// The `skupper` command tree.
public struct SkupperCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "skupper", abstract: "Manage a Skupper site on this machine.")
    public init() {}
}
