import ArgumentParser
import Foundation
import Platforms

/// `skupper system uninstall`: disables the agent's unit and removes what `install` wrote.
public struct SystemUninstall: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove local system infrastructure",
        discussion: """
            Undoes `skupper system install`: disables skupperd@<namespace>.service, removes its environment file, \
            removes the skupperd@.service that install wrote when no other namespace's agent is enabled, and \
            stops and removes the router unit skupper-<namespace>.service the agent generated. A running agent is \
            stopped only with --force. The namespace's resources stay.
            """)

    @OptionGroup public var options: SystemOptions

    @Flag(name: .shortAndLong, help: "Stop the running agent and its router before removing.")
    public var force = false

    public init() {}

    public func run() throws {
        let scope = options.systemdScope
        let properties: [String: String]
        switch options.show(options.agentUnit) {
        case .success(let values): properties = values
        case .failure(let error): throw error
        }
        let active = properties["ActiveState"] ?? "inactive"
        if ["active", "activating", "reloading"].contains(active) {
            guard force else {
                throw CLIError("Uninstallation halted: Active sites detected. Use --force flag to stop and remove active sites")
            }
            Console.out("Stopping \(options.agentUnit)")
            try options.systemctlChecked(["stop", options.agentUnit])
        }
        // The router unit the agent generated goes too (as the platform's teardown does).
        let routerFile = scope.unitDirectory().appendingPathComponent(options.routerUnit)
        if FileManager.default.fileExists(atPath: routerFile.path) {
            _ = try? options.systemctl.runBlocking(["stop", options.routerUnit])
            _ = try? options.systemctl.runBlocking(["disable", options.routerUnit])
            try? FileManager.default.removeItem(at: routerFile)
            Console.out("Removed \(routerFile.path)")
        }
        if properties["LoadState"] != "not-found" {
            try options.systemctlChecked(["disable", options.agentUnit])
            Console.out("Disabled \(options.agentUnit)")
        }
        try? FileManager.default.removeItem(at: AgentUnit.environmentFile(scope, namespace: options.namespace))
        let directory = scope.unitDirectory()
        let ours = directory.appendingPathComponent(AgentUnit.templateName)
        if FileManager.default.fileExists(atPath: ours.path) {
            let others = Self.enabledInstances(in: directory).subtracting([options.agentUnit])
            if others.isEmpty {
                try? FileManager.default.removeItem(at: ours)
                Console.out("Removed \(ours.path)")
            } else {
                Console.out("Kept \(ours.path): still enabled for \(others.sorted().joined(separator: ", "))")
            }
        }
        try options.systemctlChecked(["daemon-reload"])
        _ = try? options.systemctl.runBlocking(["reset-failed", options.agentUnit])
        Console.out("Namespace \"\(options.namespace)\" is no longer run by \(scope == .system ? "the system manager" : "the user manager")")
    }

    /// The `skupperd@*.service` instances enabled in a unit directory (symlinks in its `*.wants` directories).
    static func enabledInstances(in directory: URL) -> Set<String> {
        let fm = FileManager.default
        var names = Set<String>()
        for wants in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? [] where wants.hasSuffix(".wants") {
            for name in (try? fm.contentsOfDirectory(atPath: directory.appendingPathComponent(wants).path)) ?? []
            where name.hasPrefix("skupperd@") && name.hasSuffix(".service") {
                names.insert(name)
            }
        }
        return names
    }
}
