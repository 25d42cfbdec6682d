import Foundation
import Platforms
import Resources
import SiteFiles
import Testing

@Suite("Engine socket and router image selection")
struct SocketAndImageTests {
    @Test("the socket: --container-socket, then CONTAINER_ENDPOINT / DOCKER_HOST (unix only), then the engine default")
    func socketChoice() throws {
        #expect(try ContainerEngineKind.docker.socketPath(explicit: "/tmp/x.sock", environment: ["DOCKER_HOST": "unix:///y"]) == "/tmp/x.sock")
        #expect(try ContainerEngineKind.docker.socketPath(explicit: "unix:///tmp/x.sock", environment: [:]) == "/tmp/x.sock")
        #expect(
            try ContainerEngineKind.docker.socketPath(environment: ["CONTAINER_ENDPOINT": "unix:///run/c.sock", "DOCKER_HOST": "unix:///run/d.sock"])
                == "/run/c.sock")
        #expect(try ContainerEngineKind.docker.socketPath(environment: ["DOCKER_HOST": "unix:///run/d.sock"]) == "/run/d.sock")
        #expect(try ContainerEngineKind.docker.socketPath(environment: [:]) == "/var/run/docker.sock")
        #expect(
            try ContainerEngineKind.podman.socketPath(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"], isRoot: false) == "/run/user/1000/podman/podman.sock")
        #expect(try ContainerEngineKind.podman.socketPath(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"], isRoot: true) == "/run/podman/podman.sock")
        let error = #expect(throws: EngineError.self) { try ContainerEngineKind.docker.socketPath(environment: ["DOCKER_HOST": "tcp://10.0.0.1:2375"]) }
        #expect(error?.description == "DOCKER_HOST: \"tcp://10.0.0.1:2375\" is not supported (only unix:// sockets are)")
    }

    @Test("the image: Site settings, then --router-image, then SKUPPER_ROUTER_IMAGE, then Skupper's pinned image")
    func imageChoice() {
        let env = ["SKUPPER_ROUTER_IMAGE": "env/router:1"]
        #expect(RouterContainer.image(settings: ["router-image": "site/router:1"], option: "opt/router:1", environment: env) == "site/router:1")
        #expect(RouterContainer.image(settings: [:], option: "opt/router:1", environment: env) == "opt/router:1")
        #expect(RouterContainer.image(settings: [:], option: nil, environment: env) == "env/router:1")
        #expect(RouterContainer.image(settings: [:], option: nil, environment: [:]) == "quay.io/skupper/skupper-router:3.5.1")
        #expect(
            RouterContainer.image(settings: [:], option: nil, environment: ["SKUPPER_IMAGE_REGISTRY": "reg.local/sk"]) == "reg.local/sk/skupper-router:3.5.1")
        #expect(ImagePullPolicy.from(environment: ["SKUPPER_ROUTER_IMAGE_PULL_POLICY": "never"]) == .never)
        #expect(ImagePullPolicy.from(environment: [:]) == .ifNotPresent)
    }

    @Test("API version negotiation takes the lower of the engine's and 1.41")
    func versionNegotiation() throws {
        func version(_ api: String) throws -> EngineVersion {
            try JSONDecoder().decode(EngineVersion.self, from: Data(#"{"Version":"x","ApiVersion":"\#(api)"}"#.utf8))
        }
        #expect(try version("1.43").negotiated(ceiling: "1.41") == "1.41")
        #expect(try version("1.40").negotiated(ceiling: "1.41") == "1.40")
        #expect(try version("1.9").negotiated(ceiling: "1.41") == "1.9")
    }

    @Test("the spec digest changes with the image and the site id, not with the configuration")
    func specDigest() {
        let layout = SiteLayout(root: URL(fileURLWithPath: "/tmp/ns"), namespace: "ns")
        let a = RouterContainer(engine: .docker, layout: layout, siteName: "west", siteId: "1", image: "i:1")
        #expect(a.name == "ns-skupper-router")
        #expect(a.spec.labels["skupper-local.io/spec-hash"] == a.specHash)
        #expect(a == RouterContainer(engine: .docker, layout: layout, siteName: "west", siteId: "1", image: "i:1"))
        #expect(a.specHash != RouterContainer(engine: .docker, layout: layout, siteName: "west", siteId: "1", image: "i:2").specHash)
        #expect(a.specHash != RouterContainer(engine: .docker, layout: layout, siteName: "west", siteId: "2", image: "i:1").specHash)
        #expect(
            a.spec.hostConfig.binds == [
                "/tmp/ns/runtime/router:/etc/skupper-router/config:z", "/tmp/ns/runtime/certs:/etc/skupper-router/runtime/certs:z",
                "/tmp/ns/runtime/proxies:/etc/skupper-router/runtime/proxies:z",
            ])
    }
}
