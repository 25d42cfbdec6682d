import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

/// `skupper system uninstall` as Skupper v2's: an active site halts it; `--force` (`-f`) stops the site and deletes
/// it, active or not. No systemd runs here: the user scope, with HOME and XDG_CONFIG_HOME in a scratch directory,
/// keeps the machine's units and settings out of reach; the agent is started by hand.
@Suite("skupper: system uninstall", .serialized)
struct SystemUninstallTests {
    /// A namespace of its own and the user scope's files in a scratch home.
    struct Setup {
        let namespace = "unst-\(UInt32.random(in: 0...UInt32.max))"
        let site: TemporarySite
        let home: ScratchDirectory
        var environment: [String: String] { ["HOME": home.url.path, "XDG_CONFIG_HOME": home.path(".config")] }
        var unitDirectory: URL { home.url.appendingPathComponent(".config/systemd/user") }
        var environmentFile: URL { home.url.appendingPathComponent(".config/skupperd-\(namespace).env") }

        init() throws {
            site = try TemporarySite(namespace: namespace)
            home = try ScratchDirectory()
            try site.write("site.yaml", SystemApplyDeleteTests.site + "\n")
            // What `skupper system install --scope user` leaves: the template unit and the namespace's settings.
            try FileManager.default.createDirectory(at: unitDirectory, withIntermediateDirectories: true)
            try "[Unit]\n".write(to: unitDirectory.appendingPathComponent("skupperd@.service"), atomically: true, encoding: .utf8)
            try "SKUPPER_PLATFORM=render\n".write(to: environmentFile, atomically: true, encoding: .utf8)
        }

        func uninstall(_ flags: String...) throws -> CLIResult {
            try SkupperCLI.run(["system", "uninstall", "-n", namespace, "--scope", "user"] + flags, site: site, environment: environment)
        }

        func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
    }

    @Test func anActiveSiteHaltsItUnlessForced() throws {
        let setup = try Setup()
        let site = setup.site
        let agent = try AgentProcess(site: site, arguments: ["--namespace", setup.namespace])
        defer { agent.stop() }
        #expect(site.eventually(timeout: 20) { AgentInfo.running(site.layout) != nil }, "log:\n\(agent.log)")

        var result = try setup.uninstall()
        #expect(result.status != 0, "\(result)")
        #expect(result.stdout.contains("The west site is active (namespace \(setup.namespace))\n"), "\(result)")
        #expect(result.stderr == "Error: Uninstallation halted: Active sites detected. Use --force flag to stop and remove active sites\n", "\(result)")
        #expect(agent.process.isRunning)
        #expect(site.inputFiles == ["site.yaml"])
        #expect(setup.exists(setup.environmentFile))

        result = try setup.uninstall("-f")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Removing active site namespace \"\(setup.namespace)\"\n"), "\(result)")
        #expect(result.stdout.contains("Sent SIGTERM to the agent (pid \(agent.pid))\n"), "\(result)")
        #expect(result.stdout.contains("Namespace \"\(setup.namespace)\" has been removed\n"), "\(result)")
        #expect(site.eventually { !agent.process.isRunning })
        #expect(!setup.exists(site.layout.inputResources) && !setup.exists(site.layout.runtime))
        #expect(!setup.exists(setup.environmentFile))
        #expect(!setup.exists(setup.unitDirectory.appendingPathComponent("skupperd@.service")))
    }

    @Test func withoutForceTheSiteStays() throws {
        let setup = try Setup()
        let site = setup.site
        let routerUnit = setup.unitDirectory.appendingPathComponent("skupper-\(setup.namespace).service")
        try "[Unit]\n".write(to: routerUnit, atomically: true, encoding: .utf8)

        var result = try setup.uninstall()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Removed \(routerUnit.path)\n"), "\(result)")
        #expect(result.stdout.contains("Removed \(setup.unitDirectory.path)/skupperd@.service\n"), "\(result)")
        #expect(result.stdout.hasSuffix("Namespace \"\(setup.namespace)\" is no longer run by the user manager\n"), "\(result)")
        #expect(!result.stdout.contains("has been removed"), "\(result)")
        #expect(site.inputFiles == ["site.yaml"])
        #expect(!setup.exists(setup.environmentFile) && !setup.exists(routerUnit))

        // --force deletes an inactive site too (v2: "all existing sites (active or not) will be deleted").
        try FileManager.default.createDirectory(at: site.layout.routerDirectory, withIntermediateDirectories: true)
        result = try setup.uninstall("--force")
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("Removing active site namespace"), "\(result)")
        #expect(result.stdout.contains("Namespace \"\(setup.namespace)\" has been removed\n"), "\(result)")
        #expect(!setup.exists(site.layout.inputResources) && !setup.exists(site.layout.runtime))
    }

    @Test func anotherNamespacesAgentKeepsTheTemplate() throws {
        let setup = try Setup()
        let wants = setup.unitDirectory.appendingPathComponent("default.target.wants")
        try FileManager.default.createDirectory(at: wants, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: wants.appendingPathComponent("skupperd@east.service"),
            withDestinationURL: setup.unitDirectory.appendingPathComponent("skupperd@.service"))
        let result = try setup.uninstall()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Kept \(setup.unitDirectory.path)/skupperd@.service: still enabled for skupperd@east.service"), "\(result)")
        #expect(setup.exists(setup.unitDirectory.appendingPathComponent("skupperd@.service")))
    }
}
