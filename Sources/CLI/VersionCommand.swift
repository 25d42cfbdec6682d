import ArgumentParser
import Resources
import SiteFiles

/// `skupper version`: this build's version, one bare line as Skupper v2's (`--verbose` adds the v2 release it follows).
public struct VersionCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Display the Skupper CLI version.",
        discussion: "Report the version of the Skupper CLI binary.")

    @OptionGroup public var global: GlobalOptions
    @Flag(help: "Also say which Skupper v2 release this follows.") public var verbose = false

    public init() {}

    public func run() throws {
        Console.out(verbose ? SkupperVersion.description : SkupperVersion.current)
    }
}
