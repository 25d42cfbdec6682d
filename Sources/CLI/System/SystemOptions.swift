import ArgumentParser
import Foundation
import SiteFiles
import Platforms
import Resources

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
    public var systemctl: Systemctl { Systemctl(scope: systemdScope) }
    /// The agent's unit for this namespace.
    public var agentUnit: String { AgentUnit.name(namespace: namespace) }
    /// The router's unit (systemd/linux platform).
    public var routerUnit: String { RouterUnit.name(namespace: namespace) }
    /// The platform named by --platform or $SKUPPER_PLATFORM, else the one a unit of this scope runs by default.
    public var platform: PlatformKind {
        get throws { try global.platformKind ?? PlatformKind.installDefault(systemScope: systemdScope == .system) }
    }

    /// `systemctl show` of a unit, or the failure as text.
    func show(_ unit: String) -> Result<[String: String], CLIError> {
        do {
            return .success(try systemctl.showBlocking(unit, properties: ["LoadState", "ActiveState", "SubState", "MainPID", "StatusText", "UnitFileState", "FragmentPath"]))
        } catch {
            return .failure(CLIError("\(error)"))
        }
    }

    /// Whether systemd knows the unit (its file is installed).
    func isLoaded(_ unit: String) throws -> Bool {
        switch show(unit) {
        case .success(let properties): return properties["LoadState"] != "not-found"
        case .failure(let error): throw error
        }
    }

    /// Runs systemctl and turns a failure into a CLIError.
    func systemctlChecked(_ arguments: [String]) throws {
        do { try systemctl.checkBlocking(arguments) } catch { throw CLIError("\(error)") }
    }
}
