import ArgumentParser
import Foundation
import Platforms
import SiteFiles

/// `skupper system uninstall`: disables the agent's unit and removes what `install` wrote; with `--force`, as in
/// Skupper v2, the namespace's site goes too (stopped, its router removed, its files deleted).
public struct SystemUninstall: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove local system infrastructure",
        discussion: """
            Remove local system infrastructure, undoing the configuration changes made by skupper system install: \
            disables skupperd@<namespace>.service, removes its environment file, removes the skupperd@.service that \
            install wrote when no other namespace's agent is enabled, and stops and removes the router unit \
            skupper-<namespace>.service the agent generated. The namespace's resources stay.

            As in Skupper v2, an active site (its agent running, under systemd or started by hand) halts the \
            uninstallation; --force stops and removes it: the agent is stopped, its router removed (unit, container \
            or process) and the namespace's input/ and runtime/ directories deleted, whether the site was active or not.
            """)

    @OptionGroup public var options: SystemOptions

    @Flag(
        name: .shortAndLong,
        help:
            "The namespace's site is stopped and deleted, active or not: its agent, its router and its input/ and runtime/ directories (other namespaces are left alone)."
    )
    public var force = false

    public init() {}

    public func run() throws {
        let scope = options.systemdScope
        let layout = options.layout
        // No reachable service manager (no systemd here): there is no unit to stop or disable, only files to remove.
        var properties: [String: String]?
        switch options.show(options.agentUnit) {
        case .success(let values): properties = values
        case .failure(let error): Console.out("No service manager to ask (\(error.message)): no unit to disable")
        }
        let unitActive = ["active", "activating", "reloading"].contains(properties?["ActiveState"] ?? "inactive")
        let active = unitActive || AgentLock.isHeld(layout)
        if active && !force {
            Console.out(activeSiteLine())
            throw CLIError("Uninstallation halted: Active sites detected. Use --force flag to stop and remove active sites")
        }
        let removal = SiteRemoval(options: options)
        let platform = removal.platform()
        if force {
            if active { Console.out("Removing active site namespace \"\(options.namespace)\"") }
            try removal.stopAgent(unitActive: unitActive)
            removal.removeRouter(platform: platform)
        }
        // The router unit the agent generated goes too (as the platform's teardown does).
        let routerFile = scope.unitDirectory().appendingPathComponent(options.routerUnit)
        if FileManager.default.fileExists(atPath: routerFile.path) {
            if properties != nil {
                _ = try? options.systemctl.runBlocking(["stop", options.routerUnit])
                _ = try? options.systemctl.runBlocking(["disable", options.routerUnit])
            }
            try? FileManager.default.removeItem(at: routerFile)
            Console.out("Removed \(routerFile.path)")
        }
        if force, try removal.removeDefinition() {
            Console.out("Namespace \"\(options.namespace)\" has been removed")
        }
        if let properties, properties["LoadState"] != "not-found" {
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
        if properties != nil {
            try options.systemctlChecked(["daemon-reload"])
            _ = try? options.systemctl.runBlocking(["reset-failed", options.agentUnit])
        }
        Console.out("Namespace \"\(options.namespace)\" is no longer run by \(scope == .system ? "the system manager" : "the user manager")")
    }

    /// v2's line for an active site: "The west site is active (namespace default)", or the namespace alone.
    func activeSiteLine() -> String {
        if let name = options.global.site.site()?.name { return "The \(name) site is active (namespace \(options.namespace))" }
        return "The \(options.namespace) site is active"
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
