import ArgumentParser
import Foundation
import Platforms
import Resources
import SiteFiles

/// What every `skupper system` command takes: the global options and which service manager to use.
public struct SystemOptions: ParsableArguments {
    @OptionGroup public var global: GlobalOptions

    @Option(help: "The service manager: system (the default for root) or user (systemctl --user, the default for others).")
    public var scope: String?

    public init() {}

    public func validate() throws {
        if let scope, SystemdScope(rawValue: scope) == nil {
            throw ValidationError("--scope: \"\(scope)\" is not valid: choose system or user")
        }
    }

    public var namespace: String { global.namespace }
    public var layout: SiteLayout { global.layout }
    public var systemdScope: SystemdScope { scope.flatMap(SystemdScope.init(rawValue:)) ?? .current }
    /// systemctl for the command line: its deadline is longer than the agent's, as `start` waits for the agent's
    /// READY, which its unit allows 90 s.
    public var systemctl: Systemctl { Systemctl(command: systemdScope.systemctlCommand, timeout: .seconds(120)) }
    /// The agent's unit for this namespace.
    public var agentUnit: String { AgentUnit.name(namespace: namespace) }
    /// The router's unit (systemd/linux platform).
    public var routerUnit: String { RouterUnit.name(namespace: namespace) }
    /// The platform named by --platform or $SKUPPER_PLATFORM, else the one a unit of this scope runs by default.
    public var platform: PlatformKind {
        get throws { try global.platformKind ?? PlatformKind.installDefault(systemScope: systemdScope == .system) }
    }

    /// The platform `skupper system install` wrote into the unit's environment file, if it did.
    var installedPlatform: PlatformKind? {
        let file = AgentUnit.environmentFile(systemdScope, namespace: namespace)
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").last { $0.hasPrefix("SKUPPER_PLATFORM=") }
        return line.flatMap { try? PlatformKind.parse(String($0.dropFirst("SKUPPER_PLATFORM=".count))) }
    }

    /// Whether systemd runs this machine: without it no unit is asked about, started or stopped.
    var systemdRuns: Bool { AgentCheck.systemdRuns }

    /// `systemctl show` of a unit, or why it cannot be asked, in one short line.
    func show(_ unit: String) -> Result<[String: String], CLIError> {
        guard systemdRuns else { return .failure(CLIError("systemd does not run on this machine")) }
        do {
            return .success(
                try systemctl.showBlocking(
                    unit, properties: ["LoadState", "ActiveState", "SubState", "MainPID", "StatusText", "UnitFileState", "FragmentPath"]))
        } catch {
            return .failure(Self.systemctlFailure(error))
        }
    }

    /// Whether systemd knows the unit (its file is installed); false where systemd does not run.
    func isLoaded(_ unit: String) throws -> Bool {
        guard systemdRuns else { return false }
        switch show(unit) {
        case .success(let properties): return properties["LoadState"] != "not-found"
        case .failure(let error): throw error
        }
    }

    /// Runs systemctl and turns a failure into a CLIError: its own last words, and for a user's manager that cannot
    /// be reached, what to do.
    func systemctlChecked(_ arguments: [String]) throws {
        guard systemdRuns else { throw CLIError("systemd does not run on this machine: there is no service manager to ask") }
        do { try systemctl.checkBlocking(arguments) } catch { throw Self.systemctlFailure(error) }
    }

    /// systemctl's failure without the command line it ran: its message, and a hint where the bus is not there.
    static func systemctlFailure(_ error: any Error) -> CLIError {
        var text = "\(error)"
        // "`systemctl --user show ...` failed (exit status 1): <its words>" -> "systemctl: <its words>"
        if text.hasPrefix("`"), let end = text.range(of: "): ") { text = "systemctl: " + text[end.upperBound...] }
        let noBus = text.contains("Failed to connect to bus") || text.contains("$DBUS_SESSION_BUS_ADDRESS")
        return CLIError(
            text,
            hints: noBus
                ? [
                    "Your user has no systemd user manager (log in through a session, or as root run: loginctl enable-linger $USER); or run the agent directly: skupperd"
                ] : [])
    }
}
