import Foundation
import Platforms
import Resources
import TestSupport
import Testing

@Suite("Docker router platform: engine unreachable")
struct EngineOutageTests {
    @Test("a socket that does not exist gives an error naming the socket")
    func missingSocket() async throws {
        let site = try ContainerSite()
        let socket = "/tmp/nope-\(UUID().uuidString.prefix(8))/docker.sock"
        let platform = try ContainerPlatform(engine: .docker, socketPath: socket, routerImage: "any", pullPolicy: .never, environment: [:])
        let error = await #expect(throws: EngineError.self) {
            _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        }
        #expect(error?.description == "cannot reach the docker engine at \(socket): No such file or directory")
        let state = await platform.state(layout: site.layout)
        #expect(state.phase == .failed)
        #expect(state.message == "cannot reach the docker engine at \(socket): No such file or directory")
        let podman = try ContainerPlatform(engine: .podman, socketPath: socket, environment: [:])
        #expect(await podman.state(layout: site.layout).message == "cannot reach the podman engine at \(socket): No such file or directory")
    }

    @Test("the engine going away fails apply with a clear error; when it returns the next apply recovers")
    func engineStopsAndReturns() async throws {
        let engine = try DockerEngine()
        defer { engine.shutdown() }
        try engine.loadStandinImage()
        let site = try ContainerSite()
        let platform = try dockerPlatform(engine)
        #expect(try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true).phase == .running)

        engine.stop()
        let error = await #expect(throws: EngineError.self) {
            _ = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("cannot reach the docker engine at \(engine.socketPath): "), "\(message)")
        #expect(await platform.state(layout: site.layout).phase == .failed)

        try engine.start()
        try site.writeConfig("after-outage")
        let state = try await platform.apply(layout: site.layout, siteName: "west", siteId: site.siteId, settings: [:], configChanged: true)
        #expect(state.phase == .running, "\(state)")
        #expect(site.site.eventually { ((try? engine.logs(site.containerName)) ?? "").contains(#""id": "after-outage""#) })
        try await platform.teardown(layout: site.layout)
    }
}
