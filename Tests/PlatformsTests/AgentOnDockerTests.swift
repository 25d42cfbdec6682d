import Foundation
import Resources
import Testing
import TestSupport

@Suite("skupperd --platform docker (real binary, private dockerd)")
struct AgentOnDockerTests {
    @Test("the Site becomes Ready with its router container running; deleting the Site removes the container")
    func siteReadyWithRunningRouter() throws {
        let engine = try DockerEngine.shared()
        let namespace = "e\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let site = try TemporarySite(namespace: namespace)
        let container = "\(namespace)-skupper-router"
        defer { _ = try? engine.docker(["rm", "-f", container]) }
        try site.write("site.yaml", """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata:
              name: west
            spec:
              linkAccess: default
            """)
        let agent = try AgentProcess(site: site, arguments: [
            "--namespace", namespace, "--platform", "docker", "--container-socket", engine.socketPath,
            "--router-image", DockerEngine.standinImage,
        ])
        defer { agent.stop() }
        let ready = site.eventually(timeout: 60) { site.status(.site, "west")?.status.phase == .ready }
        #expect(ready, "Site status: \(String(describing: site.status(.site, "west"))); log:\n\(agent.log)")
        let inspect = try #require(try engine.inspect(container), "no container; log:\n\(agent.log)")
        #expect(inspect.at("State", "Running") as? Bool == true)
        #expect(inspect.at("Config", "Image") as? String == DockerEngine.standinImage)
        let siteId = (inspect.at("Config", "Labels") as? [String: String])?["skupper.io/site-id"] ?? ""
        #expect(!siteId.isEmpty)
        // The rendered configuration uses the container base path, which the router image expands.
        let config = site.routerConfig ?? ""
        #expect(config.contains("${SSL_PROFILE_BASE_PATH}/runtime/certs/"), "\(config)")
        #expect(config.contains(#"\"platform\":\"docker\""#) || config.contains(#""platform": "docker""#), "\(config)")
        #expect(config.contains(siteId))
        #expect(site.eventually(timeout: 10) { ((try? engine.logs(container)) ?? "").contains("skupper-local-server") })

        try site.remove("site.yaml")
        #expect(site.eventually(timeout: 30) { (try? engine.inspect(container)) == nil }, "container still there; log:\n\(agent.log)")
        #expect(agent.stop() == 0)
    }
}
