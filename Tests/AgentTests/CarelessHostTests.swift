import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

/// What careless hosts do: a permissive umask, a second agent on the same directory, the directory removed.
@Suite("Careless hosts")
struct CarelessHostTests {
    /// Every entry under `runtime/` with its permission bits.
    static func modes(_ site: TemporarySite) -> [(path: String, mode: mode_t, isDirectory: Bool)] {
        let runtime = site.layout.runtime
        return (FileManager.default.enumerator(atPath: runtime.path)?.compactMap { $0 as? String } ?? []).compactMap { path in
            var info = stat()
            guard lstat(runtime.appendingPathComponent(path).path, &info) == 0 else { return nil }
            return (path, info.st_mode & 0o7777, info.st_mode & S_IFMT == S_IFDIR)
        } + [
            (
                "",
                {
                    var info = stat()
                    lstat(runtime.path, &info)
                    return info.st_mode & 0o7777
                }(), true
            )
        ]
    }

    @Test func secretsStayOwnerOnlyUnderUmaskZero() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", GrantFlowTests.east)
        try site.write("grant.yaml", GrantFlowTests.grant("g"))
        try site.write("request.yaml", "apiVersion: skupper.io/v2alpha1\nkind: TokenRequest\nmetadata: {name: app}\n")
        let agent = try AgentProcess(site: site, umask: "000")
        #expect(
            site.eventually { site.status(.accessGrant, "g")?.status.phase == .ready && site.status(.tokenRequest, "app") != nil },
            "log:\n\(agent.log)")
        let entries = Self.modes(site)
        #expect(entries.count > 20)
        for entry in entries where entry.isDirectory {
            #expect(entry.mode == 0o700, "runtime/\(entry.path) is \(String(entry.mode, radix: 8))")
        }
        for entry in entries where !entry.isDirectory {
            #expect(entry.mode & 0o022 == 0, "runtime/\(entry.path) is writable by others: \(String(entry.mode, radix: 8))")
            let secret =
                entry.path.hasSuffix(".key") || entry.path.hasPrefix("state/") || entry.path.hasPrefix("status/")
                || entry.path.hasPrefix("resources/")
            if secret { #expect(entry.mode == 0o600, "runtime/\(entry.path) holds secrets but is \(String(entry.mode, radix: 8))") }
        }
        agent.stop()
    }

    @Test func openRuntimeDirectoriesLeftByAnEarlierRunAreClosed() throws {
        let site = try TemporarySite()
        for directory in [site.layout.runtime, site.layout.status, site.layout.issuers.appendingPathComponent("skupper-site-ca")] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            chmod(directory.path, 0o777)
        }
        try site.write("site.yaml", GrantFlowTests.east)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.site, "east") != nil }, "log:\n\(agent.log)")
        for entry in Self.modes(site) where entry.isDirectory {
            #expect(entry.mode == 0o700, "runtime/\(entry.path) is \(String(entry.mode, radix: 8))")
        }
        agent.stop()
    }

    @Test func aSecondAgentOnTheSameDirectoryExitsAtOnceAndTouchesNothing() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", GrantFlowTests.east)
        try site.write("grant.yaml", GrantFlowTests.grant("g", allowed: 3))
        let first = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.accessGrant, "g")?.status.phase == .ready }, "log:\n\(first.log)")
        #expect(site.eventually { FileManager.default.fileExists(atPath: site.layout.agentInfo.path) })
        let info = try String(contentsOf: site.layout.agentInfo, encoding: .utf8)
        #expect(AgentLock.isHeld(site.layout))

        let second = Process()
        second.executableURL = try BuiltProducts.executable("skupperd")
        second.arguments = ["--config-dir", site.layout.root.path, "--grant-server-port", "0", "--grant-server-bind", "127.0.0.1"]
        let output = Pipe()
        second.standardError = output
        second.standardOutput = output
        let started = Date()
        try second.run()
        second.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(second.terminationStatus == AgentLock.heldExitStatus, "\(text)")
        #expect(text.contains("another skupperd already runs this namespace"), "\(text)")
        // The first agent's files are as it left them, and it still serves.
        #expect(try String(contentsOf: site.layout.agentInfo, encoding: .utf8) == info)
        try site.write("l.yaml", ResourceYAML.listener("l", port: 18200))
        #expect(site.eventually { site.status(.listener, "l")?.status.phase == .ready }, "log:\n\(first.log)")
        #expect(first.stop() == 0)
        #expect(!AgentLock.isHeld(site.layout))
        // Once the first is gone, an agent starts again on the directory.
        let third = try AgentProcess(site: site)
        #expect(site.eventually { AgentLock.isHeld(site.layout) && FileManager.default.fileExists(atPath: site.layout.agentInfo.path) })
        third.stop()
    }

    @Test func inputDirectoryRemovedAndRecreatedIsWatchedAgain() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", GrantFlowTests.east)
        try site.write("l.yaml", ResourceYAML.listener("l", port: 18300))
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.listener, "l")?.status.phase == .ready }, "log:\n\(agent.log)")
        try FileManager.default.removeItem(at: site.layout.inputResources)
        // Removing the input directory removes what it held; the agent makes it again and watches it.
        #expect(
            site.eventually { site.status(.listener, "l") == nil && FileManager.default.fileExists(atPath: site.layout.inputResources.path) },
            "log:\n\(agent.log)")
        try site.write("site.yaml", GrantFlowTests.east)
        try site.write("m.yaml", ResourceYAML.listener("m", port: 18301))
        #expect(site.eventually { site.status(.listener, "m")?.status.phase == .ready }, "log:\n\(agent.log)")
        #expect(site.routerConfig?.contains("18301") == true)
        // SIGHUP still works afterwards.
        try site.write("n.yaml", ResourceYAML.listener("n", port: 18302))
        agent.signal(SIGHUP)
        #expect(site.eventually { site.status(.listener, "n")?.status.phase == .ready }, "log:\n\(agent.log)")
        #expect(agent.stop() == 0)
    }

    @Test func namespaceDirectoryRemovedMakesTheAgentExitNonZero() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", GrantFlowTests.east)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.site, "east")?.status.phase == .ready }, "log:\n\(agent.log)")
        let log = try String(contentsOf: agent.logFile, encoding: .utf8)
        // The agent may be writing while the tree goes: retry until it is gone.
        for _ in 0..<20 where FileManager.default.fileExists(atPath: site.layout.root.path) {
            try? FileManager.default.removeItem(at: site.layout.root)
        }
        #expect(!FileManager.default.fileExists(atPath: site.layout.root.path))
        // Recreated at once, as a tool that rewrites the whole directory would.
        try FileManager.default.createDirectory(at: site.layout.inputResources, withIntermediateDirectories: true)
        let deadline = Date().addingTimeInterval(5)
        while agent.process.isRunning && Date() < deadline { usleep(20_000) }
        #expect(!agent.process.isRunning, "still running after the namespace directory was removed; log before:\n\(log)")
        if !agent.process.isRunning { #expect(agent.process.terminationStatus != 0) }
        agent.stop()
        // The service manager's restart finds the new directory and runs it.
        try site.write("site.yaml", GrantFlowTests.east)
        let restarted = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.site, "east")?.status.phase == .ready }, "log:\n\(restarted.log)")
        restarted.stop()
    }
}
