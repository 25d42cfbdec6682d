import ArgumentParser
import Resources
import SiteFiles

/// `skupper version`: this build's version and the Skupper v2 release it follows.
public struct VersionCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "version", abstract: "Display versioning information")

    @OptionGroup public var global: GlobalOptions

    public init() {}

    public func run() throws {
        Console.out("client version   \(SkupperVersion.description)")
    }
}
