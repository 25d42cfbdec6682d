import Foundation
import SiteFiles
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A host shared with Skupper v2: v2's system controller and the agents never run the same namespaces (its
/// `namespaces/controller.lock`, exclusive for v2, shared for each agent), and v2 finds each site's platform in
/// `internal/platform.yaml`.
@Suite("Skupper v2's system controller on the same host")
struct V2CoexistenceTests {
    /// A namespace directory inside a `namespaces` directory, as v2 lays them out.
    static func namespaceDirectory(_ scratch: ScratchDirectory, _ name: String) throws -> URL {
        let root = scratch.url.appendingPathComponent("skupper/namespaces/\(name)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("input/resources"), withIntermediateDirectories: true)
        return root
    }

    /// Opens the controller lock as v2's controller does and tries its exclusive, non-blocking flock.
    static func v2Lock(_ path: String) -> (fd: Int32, locked: Bool) {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        return (fd, fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
    }

    @Test func anAgentRefusesWhileV2RunsTheNamespacesAndV2CannotWhileAnAgentDoes() throws {
        let scratch = try ScratchDirectory()
        let root = try Self.namespaceDirectory(scratch, "west")
        let lockPath = root.deletingLastPathComponent().appendingPathComponent("controller.lock").path
        let v2 = Self.v2Lock(lockPath)
        try #require(v2.locked)
        let agentBinary = try BuiltProducts.executable("skupperd").path
        let refused = try run([agentBinary, "--config-dir", root.path, "--namespace", "west", "--platform", "render", "--grant-server-port", "0"])
        #expect(refused.status == 75, "exit status EX_TEMPFAIL: \(refused.output)")
        #expect(refused.output.contains("Skupper v2's system controller runs the namespaces here") && refused.output.contains(lockPath), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("runtime/router").path), "nothing rendered")
        close(v2.fd)

        // v2's controller gone: the agent runs, and holds the lock so that v2's controller cannot start.
        let site = try TemporarySite(root: root, namespace: "west")
        let agent = try AgentProcess(site: site, arguments: ["--namespace", "west"])
        defer { _ = agent.stop() }
        #expect(site.eventually(timeout: 20) { FileManager.default.fileExists(atPath: site.layout.agentInfo.path) }, "\(agent.log)")
        let second = Self.v2Lock(lockPath)
        defer { close(second.fd) }
        #expect(!second.locked, "v2's controller would find the namespaces taken and exit")
        #expect(agent.process.isRunning)
    }

    /// A controller lock that cannot be opened at all (here a directory in its place) is a failure, not v2 running:
    /// exit 1, so the service manager tries again, not 75.
    @Test func aControllerLockThatCannotBeOpenedIsAFailureNotATurnElsewhere() throws {
        let scratch = try ScratchDirectory()
        let root = try Self.namespaceDirectory(scratch, "west")
        let lockPath = root.deletingLastPathComponent().appendingPathComponent("controller.lock").path
        try FileManager.default.createDirectory(atPath: lockPath, withIntermediateDirectories: true)
        let agentBinary = try BuiltProducts.executable("skupperd").path
        let failed = try run([agentBinary, "--config-dir", root.path, "--namespace", "west", "--platform", "render", "--grant-server-port", "0"])
        #expect(failed.status == 1, "\(failed.output)")
        #expect(failed.output.contains("cannot lock \(lockPath)"), "\(failed.output)")
    }

    @Test func v2sPlatformNamesAreWrittenWhereV2ReadsThem() throws {
        #expect(V2PlatformFile.v2Name(.podman) == "podman" && V2PlatformFile.v2Name(.docker) == "docker")
        #expect(V2PlatformFile.v2Name(.linux) == "linux" && V2PlatformFile.v2Name(.systemd) == "linux" && V2PlatformFile.v2Name(.process) == "linux")
        #expect(V2PlatformFile.v2Name(.render) == nil)
        let scratch = try ScratchDirectory()
        let layout = SiteLayout(root: try Self.namespaceDirectory(scratch, "east"), namespace: "east")
        try V2PlatformFile.write(layout, platform: .process)
        #expect((try? String(contentsOf: layout.root.appendingPathComponent("internal/platform.yaml"), encoding: .utf8)) == "platform: linux\n")
    }
}
