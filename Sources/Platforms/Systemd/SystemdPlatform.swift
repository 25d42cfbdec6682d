import FoundationEssentials
import SiteFiles
import TextSupport

/// Runs each site's router as a systemd service, `skupper-<namespace>.service`, the way Skupper v2 does for
/// the `linux` platform: the unit is written to the scope's unit directory, daemon-reloaded, enabled and
/// started; a configuration change restarts it (skrouterd does not re-read its file); a deleted Site stops,
/// disables and removes it. systemd is driven through `systemctl`; its failures (with its stderr) become the
/// platform state, which the agent reports in the Site's status.
public struct SystemdPlatform: RouterPlatform {
    public let scope: SystemdScope
    /// Where the unit file is written.
    public let unitDirectory: URL
    /// How systemd is reached.
    public let systemctl: Systemctl
    /// How the unit runs the router.
    public let runner: RouterUnit.Runner
    /// `linux` or `systemd`: the same platform under the name the user gave it.
    public let kind: PlatformKind

    /// - Parameters:
    ///   - scope: the system manager (root) or the user's; default: by the effective uid.
    ///   - unitDirectory: default: the scope's (`/etc/systemd/system`, `~/.config/systemd/user`).
    ///   - systemctl: default: `systemctl` (`systemctl --user` for the user scope).
    ///   - runner: default: `skrouterd` found by systemd in its executable search path.
    public init(
        scope: SystemdScope = .current, unitDirectory: URL? = nil, systemctl: Systemctl? = nil,
        runner: RouterUnit.Runner = .skrouterd(), kind: PlatformKind = .linux
    ) {
        self.scope = scope
        self.unitDirectory = unitDirectory ?? scope.unitDirectory()
        self.systemctl = systemctl ?? Systemctl(scope: scope)
        self.runner = runner
        self.kind = kind
    }

    public var runsRouter: Bool { true }

    public var metadataName: String {
        switch runner {
        case .skrouterd: return "linux"
        case .container(let engine): return URL(fileURLWithPath: engine).lastPathComponent
        }
    }

    public func sslProfileBasePath(for layout: SiteLayout) -> String {
        switch runner {
        case .skrouterd: return layout.root.path
        // The container platform mounts the site's runtime under /etc/skupper-router.
        case .container: return "/etc/skupper-router"
        }
    }

    /// The unit file of a site.
    public func unitFile(for layout: SiteLayout) -> URL {
        unitDirectory.appendingPathComponent(RouterUnit.name(namespace: layout.namespace))
    }

    /// The unit a site's router runs under.
    public func unit(for layout: SiteLayout, siteId: String) -> RouterUnit {
        RouterUnit(layout: layout, siteId: siteId, runner: runner)
    }

    public func apply(layout: SiteLayout, siteName: String, siteId: String, settings: [String: String], configChanged: Bool) async throws -> PlatformState {
        let unit = unit(for: layout, siteId: siteId)
        let file = unitFile(for: layout)
        let unitChanged = (try? String(contentsOf: file, encoding: .utf8)) != unit.text
        if unitChanged {
            do {
                try FileManager.default.createDirectory(at: unitDirectory, withIntermediateDirectories: true)
                try AtomicFile.write(unit.text, to: file, mode: 0o644, skipIfUnchanged: false)
            } catch {
                throw PlatformError("cannot write the router unit \(file.path): \(error)")
            }
            try await systemctl.check(["daemon-reload"])
        }
        let enabled = try await systemctl.run(["is-enabled", unit.name]).stdout.trimmingWhitespace()
        if enabled != "enabled" {
            try await systemctl.check(["enable", unit.name])
        }
        let active = try await systemctl.run(["is-active", unit.name]).stdout.trimmingWhitespace()
        if active == "failed" {
            _ = try await systemctl.run(["reset-failed", unit.name])
        }
        if unitChanged || configChanged {
            try await systemctl.check(["restart", unit.name])
        } else if !["active", "activating", "reloading"].contains(active) {
            try await systemctl.check(["start", unit.name])
        }
        return await state(layout: layout)
    }

    public func teardown(layout: SiteLayout) async throws {
        let name = RouterUnit.name(namespace: layout.namespace)
        // As Skupper v2 (common/systemd.go Remove): stop, disable, remove the file, daemon-reload, reset-failed;
        // stop and disable may fail for a unit that is already gone.
        _ = try await systemctl.run(["stop", name])
        _ = try await systemctl.run(["disable", name])
        let file = unitFile(for: layout)
        if FileManager.default.fileExists(atPath: file.path) {
            do { try FileManager.default.removeItem(at: file) } catch {
                throw PlatformError("cannot remove the router unit \(file.path): \(error)")
            }
        }
        try await systemctl.check(["daemon-reload"])
        _ = try await systemctl.run(["reset-failed", name])
    }

    public func state(layout: SiteLayout) async -> PlatformState {
        let name = RouterUnit.name(namespace: layout.namespace)
        do {
            return Self.state(unit: name, try await systemctl.show(name, properties: Self.stateProperties))
        } catch {
            return PlatformState(.failed, "\(error)")
        }
    }

    static let stateProperties = ["LoadState", "ActiveState", "SubState", "MainPID", "Result", "ExecMainStatus"]

    /// A unit's `systemctl show` properties as a platform state.
    public static func state(unit: String, _ properties: [String: String]) -> PlatformState {
        let active = properties["ActiveState"] ?? "unknown"
        let sub = properties["SubState"] ?? ""
        let pid = properties["MainPID"].flatMap(Int.init) ?? 0
        let described = "router unit \(unit) is \(active)\(sub.isEmpty ? "" : " (\(sub))")"
        if properties["LoadState"] == "not-found" {
            return PlatformState(.stopped, "router unit \(unit) is not installed")
        }
        switch active {
        case "active", "reloading":
            return PlatformState(.running, described + (pid > 0 ? ", pid \(pid)" : ""))
        case "activating":
            return PlatformState(.starting, described)
        case "failed":
            let result = properties["Result"].map { ", result \($0)" } ?? ""
            let status = properties["ExecMainStatus"].flatMap { $0 == "0" ? nil : ", exit status \($0)" } ?? ""
            return PlatformState(.failed, described + result + status)
        default:
            return PlatformState(.stopped, described)
        }
    }
}
