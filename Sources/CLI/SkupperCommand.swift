import ArgumentParser
import Foundation
import Resources
import SiteFiles

/// The `skupper` command tree.
public struct SkupperCommand: ParsableCommand {
    /// The top-level command groups; a new group (such as `system`) is one more entry here, in its own files.
    public static let groups: [any ParsableCommand.Type] = [
        SiteCommand.self,
        ListenerCommand.self,
        ConnectorCommand.self,
        LinkCommand.self,
        NetworkCommand.self,
        AccessTokenCommand.self,
        SystemCommand.self,
        DebugCommand.self,
        VersionCommand.self,
    ]

    public static let configuration = CommandConfiguration(
        commandName: "skupper",
        abstract: "Manage a Skupper site on this machine.",
        discussion: """
            The commands write Skupper resources into the namespace's input directory \
            (<config-dir>/input/resources) and read back the status the skupperd agent writes (<config-dir>/runtime/resources).
            """,
        version: SkupperVersion.description,
        subcommands: groups)

    public init() {}

    /// Parses the arguments, runs the command and exits; a failure prints one `Error: ...` line on standard error.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let error as CLIError {
            Console.err("Error: \(error.message)")
            for hint in error.hints { Console.err(hint) }
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            if let unknown = CommandSuggestion.unknownCommand(in: arguments ?? Array(CommandLine.arguments.dropFirst()), root: Self.self) {
                Console.err("Error: \(unknown.message)")
                for hint in unknown.hints { Console.err(hint) }
                Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
            }
            let text = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Console.err(text.hasPrefix("Error: ") ? text : "Error: \(text)")
            Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
        }
    }
}
