import ArgumentParser
import Foundation
import Platforms

/// `skupper system install`: installs and enables the agent's unit, skupperd@<namespace>.service.
public struct SystemInstall: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install local system infrastructure and configure the environment",
        discussion: """
            Installs the agent's unit skupperd@<namespace>.service for the system manager (root) or the user's \
            manager (--scope user), writing skupperd@.service into /etc/systemd/system or ~/.config/systemd/user \
            when no package installed it, records --platform and --config-dir in the unit's environment file, \
            and enables the unit. `skupper system start` starts it.
            """)

    @OptionGroup public var options: SystemOptions

    @Option(help: "The agent executable the unit runs (default: /usr/bin/skupperd, else the skupperd beside this skupper). Writes the unit even when a package installed one.")
    public var skupperd: String?

    public init() {}

    public func validate() throws {
        _ = try options.platform
        if let dir = options.global.configDir, dir.contains(where: \.isWhitespace) {
            throw ValidationError("--config-dir: the agent's unit cannot take a path with white space: \(dir)")
        }
    }

    public func run() throws {
        let scope = options.systemdScope
        let manager = scope == .system ? "system manager" : "user manager"
        if AgentUnit.packaged(scope) == nil || skupperd != nil {
            let agent = skupperd ?? Self.defaultSkupperd()
            guard FileManager.default.isExecutableFile(atPath: agent) else {
                throw CLIError("the agent executable \(agent) is not there: install skupperd or name it with --skupperd")
            }
            let file = scope.unitDirectory().appendingPathComponent(AgentUnit.templateName)
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AgentUnit.text(scope, skupperd: agent).write(to: file, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(file.path): \(error.localizedDescription)")
            }
            Console.out("Installed \(file.path) (runs \(agent))")
        }
        // The platform is always written down, so what this prints is what the agent runs.
        let platform = try options.platform
        var settings = ["SKUPPER_PLATFORM=\(platform.rawValue)"]
        if let dir = options.global.configDir {
            settings.append("SKUPPERD_OPTIONS=--config-dir \(URL(fileURLWithPath: dir).standardizedFileURL.path)")
        }
        do {
            let file = AgentUnit.environmentFile(scope, namespace: options.namespace)
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try (["# Written by skupper system install for namespace \(options.namespace)."] + settings + [""])
                    .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(file.path): \(error.localizedDescription)")
            }
            Console.out("Settings written to \(file.path)")
        }
        try options.systemctlChecked(["daemon-reload"])
        try options.systemctlChecked(["enable", options.agentUnit])
        Console.out("Enabled \(options.agentUnit) (\(manager))")
        Console.out("Platform \(platform.rawValue) is now configured for Skupper")
    }

    /// /usr/bin/skupperd when installed, else the skupperd beside the running skupper.
    static func defaultSkupperd() -> String {
        if FileManager.default.isExecutableFile(atPath: AgentUnit.installedPath) { return AgentUnit.installedPath }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("skupperd").path
    }
}
