import Agent
import CLI
import Foundation
import Platforms
import Resources
import SiteFiles
import TestSupport
import Testing

/// The router unit's text, `systemd-analyze verify`, and systemctl failures, on this machine (no systemd needed).
@Suite struct RouterUnitTests {
    static let siteId = "2f6c1e9a-6a77-4c8e-9a38-0b8d1d3a9c11"

    func temporaryDirectory() throws -> URL {
        let url = URL(fileURLWithPath: "/tmp/rut-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func linuxUnitIsSkuppersTemplate() {
        let layout = SiteLayout(root: URL(fileURLWithPath: "/var/lib/skupper/namespaces/west"), namespace: "west")
        let unit = RouterUnit(layout: layout, siteId: Self.siteId, runner: .skrouterd())
        #expect(unit.name == "skupper-west.service")
        let lines = Set(unit.text.split(separator: "\n").map(String.init))
        // internal/nonkube/common/systemd_service.template, line by line.
        for line in [
            "[Unit]", "Description=skupper-west.service", "Wants=network-online.target", "After=network-online.target",
            "[Service]", "TimeoutStopSec=70", "Type=simple",
            "ExecStart=skrouterd -c /var/lib/skupper/namespaces/west/runtime/router/skrouterd.json",
            "Environment=\"SKUPPER_SITE_ID=\(Self.siteId)\"", "[Install]", "WantedBy=default.target",
        ] {
            #expect(lines.contains(line), "missing \(line)")
        }
    }

    @Test func containerUnitStartsTheRouterContainerAttached() {
        let layout = SiteLayout(root: URL(fileURLWithPath: "/srv/east"), namespace: "east")
        let text = RouterUnit(layout: layout, siteId: Self.siteId, runner: .container(engine: "/usr/bin/podman")).text
        #expect(text.contains("ExecStart=/usr/bin/podman start -a east-skupper-router\n"))
        #expect(text.contains("ExecStop=/usr/bin/podman stop -t 10 east-skupper-router\n"))
    }

    @Test func pathsWithSpacesAndPercentSignsAreQuotedAndEscaped() {
        let layout = SiteLayout(root: URL(fileURLWithPath: "/srv/my sites/50%$x"), namespace: "a")
        let text = RouterUnit(layout: layout, siteId: Self.siteId, runner: .skrouterd()).text
        #expect(text.contains("ExecStart=skrouterd -c \"/srv/my sites/50%%$$x/runtime/router/skrouterd.json\"\n"))
    }

    /// `systemd-analyze verify` accepts both router units and the agent's own units.
    @Test func unitsPassSystemdAnalyzeVerify() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // verify checks that ExecStart's program exists: use a real one for the router.
        let router = dir.appendingPathComponent("skrouterd")
        try SystemdContainer.standinRouter(log: dir.appendingPathComponent("log").path).write(to: router, atomically: true, encoding: .utf8)
        chmod(router.path, 0o755)
        let layout = SiteLayout(root: dir.appendingPathComponent("site dir"), namespace: "west")
        try RouterUnit(layout: layout, siteId: Self.siteId, runner: .skrouterd(executable: router.path)).text
            .write(to: dir.appendingPathComponent("skupper-west.service"), atomically: true, encoding: .utf8)
        try RouterUnit(layout: layout, siteId: Self.siteId, runner: .container(engine: "/bin/true")).text
            .write(to: dir.appendingPathComponent("skupper-east.service"), atomically: true, encoding: .utf8)
        // The agent's units as `skupper system install` writes them, pointing at the built skupperd.
        let skupperd = try BuiltProducts.executable("skupperd").path
        try AgentUnit.text(.system, skupperd: skupperd).write(to: dir.appendingPathComponent("skupperd@verify.service"), atomically: true, encoding: .utf8)
        try AgentUnit.text(.user, skupperd: skupperd).write(to: dir.appendingPathComponent("skupperd-user.service"), atomically: true, encoding: .utf8)
        for name in ["skupper-west.service", "skupper-east.service", "skupperd@verify.service", "skupperd-user.service"] {
            let result = try run(["systemd-analyze", "verify", "--man=no", dir.appendingPathComponent(name).path])
            #expect(result.status == 0, "\(name): \(result.output)")
            #expect(!result.output.contains(name), "\(name): \(result.output)")
        }
    }

    /// `systemd-analyze security` scores the agent's system units and the router unit it writes 3.5 or less
    /// (6.2 before the hardening; systemd's own timesyncd scores 2.3).
    @Test func systemUnitsAreHardened() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = SiteLayout(root: URL(fileURLWithPath: "/var/lib/skupper/namespaces/west"), namespace: "west")
        let router = dir.appendingPathComponent("skupper-west.service")
        try RouterUnit(layout: layout, siteId: Self.siteId, runner: .skrouterd()).text.write(to: router, atomically: true, encoding: .utf8)
        let single = dir.appendingPathComponent("skupperd.service")
        try String(contentsOf: Repository.root.appendingPathComponent("units/skupperd.service"), encoding: .utf8).write(
            to: single, atomically: true, encoding: .utf8)
        let instance = dir.appendingPathComponent("skupperd@west.service")
        try AgentUnit.text(.system).write(to: instance, atomically: true, encoding: .utf8)
        for unit in [single, instance, router] {
            let result = try run(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit.path])
            let score = result.output.split(separator: "\n").first { $0.contains("Overall exposure level") }
                .flatMap { line in line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) } }
            #expect(score.map { $0 <= 3.5 } == true, "\(unit.lastPathComponent): \(score.map { "\($0)" } ?? result.output)")
        }
    }

    /// `skupper system install` writes the repository's units/ texts.
    @Test func embeddedAgentUnitsAreTheRepositorysUnits() throws {
        let system = try String(contentsOf: Repository.root.appendingPathComponent("units/skupperd@.service"), encoding: .utf8)
        let user = try String(contentsOf: Repository.root.appendingPathComponent("units/user/skupperd@.service"), encoding: .utf8)
        #expect(AgentUnit.text(.system) == system)
        #expect(AgentUnit.text(.user) == user)
        #expect(AgentUnit.text(.system, skupperd: "/opt/x/skupperd").contains("ExecStart=/opt/x/skupperd --namespace %i "))
    }

    @Test func systemdStatesMapToPlatformStates() {
        let running = SystemdPlatform.state(unit: "u", ["LoadState": "loaded", "ActiveState": "active", "SubState": "running", "MainPID": "42"])
        #expect(running == PlatformState(.running, "router unit u is active (running), pid 42"))
        let failed = SystemdPlatform.state(
            unit: "u", ["LoadState": "loaded", "ActiveState": "failed", "SubState": "failed", "Result": "exit-code", "ExecMainStatus": "2"])
        #expect(failed.phase == .failed && failed.message.contains("exit status 2"))
        #expect(SystemdPlatform.state(unit: "u", ["LoadState": "not-found", "ActiveState": "inactive"]).phase == .stopped)
        #expect(SystemdPlatform.state(unit: "u", ["ActiveState": "activating"]).phase == .starting)
    }

    @Test func missingSystemctlIsAClearError() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let platform = SystemdPlatform(
            scope: .system, unitDirectory: dir.appendingPathComponent("units"),
            systemctl: Systemctl(command: ["/nonexistent/systemctl"]))
        let layout = SiteLayout(root: dir.appendingPathComponent("site"), namespace: "west")
        let error = await #expect(throws: PlatformError.self) {
            _ = try await platform.apply(layout: layout, siteName: "west", siteId: Self.siteId, settings: [:], configChanged: true)
        }
        #expect(error?.description.contains("/nonexistent/systemctl not found") == true)
        // The unit was written before systemd was asked.
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("units/skupper-west.service").path))
        #expect(await platform.state(layout: layout).phase == .failed)
    }

    /// A failing systemctl's stderr ends up in the Site's status, through the real agent.
    @Test func systemctlFailureReachesTheSiteStatus() throws {
        let site = try TemporarySite(namespace: "west")
        let units = site.layout.root.appendingPathComponent("units")
        // A systemctl that fails the way one does without a service manager: `sh -c` prints to stderr and exits 1.
        let fake = site.layout.root.appendingPathComponent("systemctl")
        try "#!/bin/sh\necho \"Failed to connect to bus: No such file or directory ($*)\" >&2\nexit 1\n".write(to: fake, atomically: true, encoding: .utf8)
        chmod(fake.path, 0o755)
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n")
        let agent = try AgentProcess(site: site, arguments: ["--platform", "linux", "--systemd-unit-dir", units.path, "--systemctl", fake.path])
        defer { agent.stop() }
        let reported = site.eventually(timeout: 20) {
            site.status(.site, "west")?.status.message.contains("Failed to connect to bus") == true
        }
        let status = site.status(.site, "west")?.status
        #expect(reported, "Site status: \(String(describing: status)); log: \(agent.log)")
        #expect(status?.phase == .error || status?.phase == .pending, "\(String(describing: status))")
        #expect(status?.message.contains("daemon-reload") == true, "\(String(describing: status))")
    }
}
