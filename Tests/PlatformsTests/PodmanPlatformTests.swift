import Foundation
import Platforms
import Resources
import TestSupport
import Testing

@Suite("Podman router platform (private podman API service)")
struct PodmanPlatformTests {
    @Test("the same client drives podman's Docker-compatible API: create, no-op, restart on config change, teardown")
    func lifecycle() async throws {
        let podman = try PodmanEngine()
        defer { podman.shutdown() }
        try podman.loadStandinImage()
        let site = try ContainerSite()
        let platform = try ContainerPlatform(
            engine: .podman, socketPath: podman.socketPath, routerImage: DockerEngine.standinImage,
            pullPolicy: .never, stopTimeout: 5, environment: [:])
        #expect(platform.metadataName == "podman")
        let version = try await platform.client.version()
        #expect(version.isPodman)
        #expect(try await platform.client.apiVersion() == "1.41")

        let state = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        #expect(state.phase == .running, "\(state)")
        let first = try #require(try await platform.client.containerInspect(site.containerName))
        #expect(first.hostConfig.networkMode == "host")
        #expect(first.config.labels["skupper.io/site-id"] == site.siteId)
        #expect(first.config.env.contains("SKUPPER_SITE_ID=\(site.siteId)"))
        #expect(
            Set(first.mounts.map { "\($0.source)->\($0.destination)" }) == [
                site.layout.routerDirectory.path + "->/etc/skupper-router/config",
                site.layout.certificates.path + "->/etc/skupper-router/runtime/certs",
                site.layout.proxies.path + "->/etc/skupper-router/runtime/proxies",
            ])
        #expect(site.site.eventually { ((try? podman.podman(["logs", site.containerName]).output) ?? "").contains(#""id": "first""#) })

        let writes = await platform.client.writeRequests
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: false)
        #expect(await platform.client.writeRequests == writes)

        try site.writeConfig("second")
        _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        let second = try #require(try await platform.client.containerInspect(site.containerName))
        #expect(second.id == first.id)
        #expect(second.state.startedAt != first.state.startedAt)
        #expect(site.site.eventually { ((try? podman.podman(["logs", site.containerName]).output) ?? "").contains(#""id": "second""#) })

        try await platform.teardown(layout: site.layout)
        #expect(try await platform.client.containerInspect(site.containerName) == nil)
        #expect(await platform.state(layout: site.layout).phase == .stopped)
    }
}
