import Foundation
import Platforms
import Resources
import SiteFiles
import TestSupport
import Testing

/// A namespace of its own for one test, with a rendered configuration and one certificate directory.
final class ContainerSite: @unchecked Sendable {
    let site: TemporarySite
    let siteId = UUID().uuidString.lowercased()
    var layout: SiteLayout { site.layout }
    var containerName: String { "\(layout.namespace)-skupper-router" }

    init() throws {
        site = try TemporarySite(namespace: "t\(String(UInt32.random(in: 0...UInt32.max), radix: 16))")
        try layout.createDirectories()
        try writeConfig("first")
        try writeCertificate("skupper-local-server", "CERT-1")
    }

    /// Writes a configuration whose router entity carries `marker`.
    func writeConfig(_ marker: String) throws {
        try #"""
        [["router", {"id": "\#(marker)", "mode": "interior"}],
         ["sslProfile", {"name": "skupper-local-server", "caCertFile": "${SSL_PROFILE_BASE_PATH}/runtime/certs/skupper-local-server/ca.crt"}]]
        """#.write(to: layout.routerConfig, atomically: true, encoding: .utf8)
    }

    func writeCertificate(_ name: String, _ text: String) throws {
        let directory = layout.certificate(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try text.write(to: directory.appendingPathComponent("ca.crt"), atomically: true, encoding: .utf8)
    }
}

func dockerPlatform(_ engine: DockerEngine, image: String? = DockerEngine.standinImage, pullPolicy: ImagePullPolicy = .never) throws -> ContainerPlatform {
    try ContainerPlatform(engine: .docker, socketPath: engine.socketPath, routerImage: image, pullPolicy: pullPolicy, stopTimeout: 5, environment: [:])
}

extension [String: Any] {
    func at(_ path: String...) -> Any? {
        var value: Any? = self
        for key in path { value = (value as? [String: Any])?[key] }
        return value
    }
}

@Suite("Docker router platform (private dockerd)")
struct ContainerPlatformTests {
    let engine: DockerEngine
    init() throws { engine = try DockerEngine.shared() }

    @Test("apply creates the router container as Skupper v2 does: name, image, env, mounts, labels, host network")
    func createsContainer() async throws {
        let site = try ContainerSite()
        defer { _ = try? engine.docker(["rm", "-f", site.containerName]) }
        let platform = try dockerPlatform(engine)
        let state = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        #expect(state.phase == .running, "\(state)")
        let inspect = try #require(try engine.inspect(site.containerName))
        #expect(inspect["Name"] as? String == "/\(site.containerName)")
        #expect(inspect.at("Config", "Image") as? String == DockerEngine.standinImage)
        let env = Set(inspect.at("Config", "Env") as? [String] ?? [])
        for entry in [
            "QDROUTERD_CONF=/etc/skupper-router/config/skrouterd.json", "QDROUTERD_CONF_TYPE=json",
            "SKUPPER_SITE_ID=\(site.siteId)", "SSL_PROFILE_BASE_PATH=/etc/skupper-router", "APPLICATION_NAME=skupper-router",
        ] {
            #expect(env.contains(entry), "missing \(entry) in \(env)")
        }
        let labels = inspect.at("Config", "Labels") as? [String: String] ?? [:]
        #expect(labels["application"] == "skupper-v2")
        #expect(labels["skupper.io/v2-component"] == "router")
        #expect(labels["skupper.io/site-id"] == site.siteId)
        #expect(labels["skupper.io/namespace"] == site.layout.namespace)
        #expect(labels["skupper.io/site-name"] == "west")
        #expect(labels["skupper-local.io/spec-hash"]?.count == 16)
        #expect(inspect.at("HostConfig", "NetworkMode") as? String == "host")
        #expect(inspect.at("HostConfig", "RestartPolicy", "Name") as? String == "always")
        let mounts = (inspect["Mounts"] as? [[String: Any]] ?? []).map { "\($0["Source"] ?? "")->\($0["Destination"] ?? "")" }
        #expect(
            Set(mounts) == [
                site.layout.routerDirectory.path + "->/etc/skupper-router/config",
                site.layout.certificates.path + "->/etc/skupper-router/runtime/certs",
                site.layout.proxies.path + "->/etc/skupper-router/runtime/proxies",
            ])
        #expect(Set(inspect.at("HostConfig", "Binds") as? [String] ?? []).allSatisfy { $0.hasSuffix(":z") })
        // The container reads the mounted configuration and certificates.
        #expect(site.site.eventually { ((try? engine.logs(site.containerName)) ?? "").contains("skupper-local-server") })
        let logs = try engine.logs(site.containerName)
        #expect(logs.contains(#""id": "first""#), "\(logs)")
        #expect(logs.contains("SKUPPER_SITE_ID=\(site.siteId)"))
        #expect(await platform.state(layout: site.layout).phase == .running)
        #expect(platform.sslProfileBasePath(for: site.layout) == "${SSL_PROFILE_BASE_PATH}")
    }

    @Test("a second apply with nothing changed makes no engine write calls, even from a new agent process")
    func secondApplyIsNoOp() async throws {
        let site = try ContainerSite()
        defer { _ = try? engine.docker(["rm", "-f", site.containerName]) }
        let platform = try dockerPlatform(engine)
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        let before = try #require(try engine.inspect(site.containerName))
        let writes = await platform.client.writeRequests
        #expect(writes >= 2)  // create and start
        let state = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: false)
        #expect(state.phase == .running)
        #expect(await platform.client.writeRequests == writes)
        // A certificate the configuration does not name (the grant server's) does not concern the router.
        try site.writeCertificate("skupper-grant-server", "GRANT")
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        #expect(await platform.client.writeRequests == writes)
        // A restarted agent (a new platform, no memory) also leaves the running router alone.
        let restarted = try dockerPlatform(engine)
        _ = try await restarted.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        #expect(await restarted.client.writeRequests == 0)
        let after = try #require(try engine.inspect(site.containerName))
        #expect(after["Id"] as? String == before["Id"] as? String)
        #expect(after.at("State", "StartedAt") as? String == before.at("State", "StartedAt") as? String)
    }

    @Test("a configuration or certificate change restarts the container, which then reads the new configuration")
    func configChangeRestarts() async throws {
        let site = try ContainerSite()
        defer { _ = try? engine.docker(["rm", "-f", site.containerName]) }
        let platform = try dockerPlatform(engine)
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        let first = try #require(try engine.inspect(site.containerName))

        try site.writeConfig("second")
        let state = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        #expect(state.phase == .running)
        let second = try #require(try engine.inspect(site.containerName))
        #expect(second["Id"] as? String == first["Id"] as? String, "a restart keeps the container")
        #expect(second.at("State", "StartedAt") as? String != first.at("State", "StartedAt") as? String)
        #expect(site.site.eventually { ((try? engine.logs(site.containerName)) ?? "").contains(#""id": "second""#) })

        try site.writeCertificate("skupper-local-server", "CERT-2")
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        let third = try #require(try engine.inspect(site.containerName))
        #expect(third.at("State", "StartedAt") as? String != second.at("State", "StartedAt") as? String)
    }

    @Test("a changed create spec (image) recreates the container")
    func specChangeRecreates() async throws {
        let site = try ContainerSite()
        defer { _ = try? engine.docker(["rm", "-f", site.containerName]) }
        let platform = try dockerPlatform(engine)
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        let first = try #require(try engine.inspect(site.containerName))
        let state = try await platform.apply(
            layout: site.layout, siteName: "west", siteId: site.siteId,
            settings: ["router-image": DockerEngine.standinImage2], configChanged: false)
        #expect(state.phase == .running)
        let second = try #require(try engine.inspect(site.containerName))
        #expect(second["Id"] as? String != first["Id"] as? String)
        #expect(second.at("Config", "Image") as? String == DockerEngine.standinImage2)
        // A new image that is not there leaves the running router alone.
        await #expect(throws: PlatformError.self) {
            _ = try await platform.apply(
                layout: site.layout, siteName: "west", siteId: site.siteId,
                settings: ["router-image": "local/not-there:2"], configChanged: false)
        }
        let third = try #require(try engine.inspect(site.containerName))
        #expect(third["Id"] as? String == second["Id"] as? String)
        #expect(third.at("State", "Running") as? Bool == true)
    }

    @Test("teardown stops and removes the container; state then reports it missing")
    func teardownRemoves() async throws {
        let site = try ContainerSite()
        defer { _ = try? engine.docker(["rm", "-f", site.containerName]) }
        let platform = try dockerPlatform(engine)
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        #expect(try engine.inspect(site.containerName) != nil)
        try await platform.teardown(layout: site.layout)
        #expect(try engine.inspect(site.containerName) == nil)
        let state = await platform.state(layout: site.layout)
        #expect(state.phase == .stopped)
        #expect(state.message == "router container \(site.containerName) does not exist")
        try await platform.teardown(layout: site.layout)  // a second teardown is fine
    }

    @Test("a killed router reports its exit code, and the next apply starts it again")
    func exitedContainer() async throws {
        let site = try ContainerSite()
        defer { _ = try? engine.docker(["rm", "-f", site.containerName]) }
        let platform = try dockerPlatform(engine)
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        #expect(try engine.docker(["kill", site.containerName]).status == 0)
        var state = await platform.state(layout: site.layout)
        for _ in 0..<100 where state.phase != .failed {
            try await Task.sleep(for: .milliseconds(100))
            state = await platform.state(layout: site.layout)
        }
        #expect(state.phase == .failed)
        #expect(state.message == "router container \(site.containerName) exited with code 137")
        let again = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: false)
        #expect(again.phase == .running)
    }

    @Test("an image missing locally gives a clear error, with pulling disabled and with an unreachable registry")
    func missingImage() async throws {
        let site = try ContainerSite()
        defer { _ = try? engine.docker(["rm", "-f", site.containerName]) }
        let never = try dockerPlatform(engine, image: "local/not-there:1", pullPolicy: .never)
        let error = await #expect(throws: PlatformError.self) {
            _ = try await never.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        }
        #expect(
            error?.description == "router image local/not-there:1 is not available locally and pulling is disabled "
                + "(SKUPPER_ROUTER_IMAGE_PULL_POLICY=Never): load it (docker load / docker import) or set --router-image")
        // A pull from a registry that refuses connections (on loopback) fails fast with the same advice.
        let port = freePort()
        let image = "127.0.0.1:\(port)/skupper/skupper-router:absent"
        let pulling = try dockerPlatform(engine, image: image, pullPolicy: .ifNotPresent)
        let start = Date()
        let pullError = await #expect(throws: PlatformError.self) {
            _ = try await pulling.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        }
        let message = pullError?.description ?? ""
        #expect(message.hasPrefix("router image \(image) is not available locally and no registry can be reached ("), "\(message)")
        #expect(message.hasSuffix("): load it (docker load / docker import) or set --router-image"), "\(message)")
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(try engine.inspect(site.containerName) == nil)
    }
}
