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

    @Option(
        help:
            "The agent executable the unit runs (default: /usr/bin/skupperd, else the skupperd beside this skupper). Writes the unit even when a package installed one."
    )
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
        guard options.systemdRuns else {
            throw CLIError(
                "systemd does not run on this machine: there is no service manager to install the agent into",
                hints: ["Run the agent itself instead (it runs the router as its child): \(options.global.agent.startCommand)"])
        }
        // What this run writes, taken back when a later step fails: nothing is left half-installed.
        var undo: [() -> Void] = []
        do {
            try install(scope: scope, manager: manager, undo: &undo)
        } catch {
            for step in undo.reversed() { step() }
            if let error = error as? CLIError {
                throw CLIError(error.message, hints: error.hints + ["Nothing was installed: the files this command wrote were removed again."])
            }
            throw error
        }
    }

    /// Writes the unit (when no package did) and the environment file, then reloads and enables; each file written is
    /// given an undo step.
    func install(scope: SystemdScope, manager: String, undo: inout [() -> Void]) throws {
        if AgentUnit.packaged(scope) == nil || skupperd != nil {
            let agent = skupperd ?? Self.defaultSkupperd()
            guard FileManager.default.isExecutableFile(atPath: agent) else {
                throw CLIError("the agent executable \(agent) is not there: install skupperd or name it with --skupperd")
            }
            let file = scope.unitDirectory().appendingPathComponent(AgentUnit.templateName)
            undo.append(Self.restorer(file))
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AgentUnit.text(scope, skupperd: agent).write(to: file, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(file.path): \(FileErrorText.describe(error))")
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
            undo.append(Self.restorer(file))
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try (["# Written by skupper system install for namespace \(options.namespace)."] + settings + [""])
                    .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError("cannot write \(file.path): \(FileErrorText.describe(error))")
            }
            Console.out("Settings written to \(file.path)")
        }
        try options.systemctlChecked(["daemon-reload"])
        try options.systemctlChecked(["enable", options.agentUnit])
        Console.out("Enabled \(options.agentUnit) (\(manager))")
        Console.out("Platform \(platform.rawValue) is now configured for Skupper")
    }

    /// Puts `file` back as it is now: its contents again, or gone when it is not there yet.
    static func restorer(_ file: URL) -> () -> Void {
        let before = FileManager.default.contents(atPath: file.path)
        return {
            if let before { try? before.write(to: file) } else { try? FileManager.default.removeItem(at: file) }
        }
    }

    /// /usr/bin/skupperd when installed, else the skupperd beside the running skupper.
    static func defaultSkupperd() -> String {
        if FileManager.default.isExecutableFile(atPath: AgentUnit.installedPath) { return AgentUnit.installedPath }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("skupperd").path
    }
}
