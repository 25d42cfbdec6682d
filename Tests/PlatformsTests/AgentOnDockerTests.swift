import Foundation
import Resources
import TestSupport
import Testing

@Suite("skupperd --platform docker (real binary, private dockerd)")
struct AgentOnDockerTests {
    @Test("the Site becomes Ready with its router container running; deleting the Site removes the container")
    func siteReadyWithRunningRouter() throws {
        let engine = try DockerEngine.shared()
        let namespace = "e\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let site = try TemporarySite(namespace: namespace)
        let container = "\(namespace)-skupper-router"
        defer { _ = try? engine.docker(["rm", "-f", container]) }
        try site.write("site.yaml", ResourceYAML.site())
        let image = try engine.loadRouterImage()
        let agent = try AgentProcess(
            site: site,
            arguments: [
                "--namespace", namespace, "--platform", "docker", "--container-socket", engine.socketPath,
                "--router-image", image,
            ])
        defer { agent.stop() }
        let ready = site.eventually(timeout: 60) { site.status(.site, "west")?.status.phase == .ready }
        #expect(ready, "Site status: \(String(describing: site.status(.site, "west"))); log:\n\(agent.log)")
        let inspect = try #require(try engine.inspect(container), "no container; log:\n\(agent.log)")
        #expect(inspect.at("State", "Running") as? Bool == true)
        #expect(inspect.at("Config", "Image") as? String == image)
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

    @Test("a router that dies, and an engine that goes away, show in the Site status and are recovered")
    func routerDeathAndEngineOutageAreReportedAndRecovered() throws {
        // An engine of its own: this test stops it.
        let engine = try DockerEngine()
        defer { engine.shutdown() }
        let image = try engine.loadRouterImage()
        let namespace = "o\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let site = try TemporarySite(namespace: namespace)
        let container = "\(namespace)-skupper-router"
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n")
        let agent = try AgentProcess(
            site: site,
            arguments: [
                "--namespace", namespace, "--platform", "docker", "--container-socket", engine.socketPath,
                "--router-image", image, "--platform-check-interval", "1",
            ])
        defer { agent.stop() }
        #expect(site.eventually(timeout: 60) { site.status(.site, "west")?.status.phase == .ready }, "log:\n\(agent.log)")
        let firstStart = try #require(try engine.inspect(container)?.at("State", "StartedAt") as? String)

        // The router dies (and is not restarted by the engine: it is killed, then stopped).
        _ = try engine.docker(["stop", "-t", "0", container])
        #expect(
            site.eventually(timeout: 20) {
                let started = (try? engine.inspect(container))?.at("State", "StartedAt") as? String
                return (try? engine.inspect(container))?.at("State", "Running") as? Bool == true && started != firstStart
            }, "the agent did not start the router again; log:\n\(agent.log)")
        #expect(agent.log.contains("router state changed"))
        #expect(site.eventually(timeout: 20) { site.status(.site, "west")?.status.phase == .ready })

        // The engine goes away: the agent keeps running and says so in the Site status.
        engine.stop()
        #expect(
            site.eventually(timeout: 30) {
                guard let status = site.status(.site, "west")?.status else { return false }
                return status.phase != .ready && status.message.contains(engine.socketPath)
            }, "status: \(String(describing: site.status(.site, "west"))); log:\n\(agent.log)")
        #expect(agent.process.isRunning)

        // It comes back: the router runs again and the Site is Ready.
        try engine.start()
        #expect(
            site.eventually(timeout: 60) {
                site.status(.site, "west")?.status.phase == .ready && (try? engine.inspect(container))?.at("State", "Running") as? Bool == true
            }, "status: \(String(describing: site.status(.site, "west"))); log:\n\(agent.log)")
    }

    @Test("the real router in a docker container carries TCP traffic; a new listener is applied without restarting it")
    func dockerRoutesAndChangesLive() throws {
        let engine = try DockerEngine.shared()
        try routesAndChangesLive(kind: "docker", socket: engine.socketPath, image: try engine.loadRouterImage()) { try engine.inspect($0) }
    }

    @Test(
        "the real router in a podman container carries TCP traffic; a new listener is applied without restarting it",
        .enabled(if: PodmanEngine.isInstalled))
    func podmanRoutesAndChangesLive() throws {
        let engine = try PodmanEngine()
        defer { engine.shutdown() }
        try routesAndChangesLive(kind: "podman", socket: engine.socketPath, image: try engine.loadRouterImage()) { name in
            let result = try engine.podman(["inspect", "--type", "container", name])
            guard result.status == 0, let data = result.output.data(using: .utf8),
                let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
            else { return nil }
            return list.first
        }
    }

    /// One site whose router runs in a container: a Listener and a Connector on it carry an echo; another pair added
    /// later works at once, a certificate replaced is rotated in, and the container was not restarted for either.
    func routesAndChangesLive(kind: String, socket: String, image: String, inspect: (String) throws -> [String: Any]?) throws {
        let namespace = "r\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        let site = try TemporarySite(namespace: namespace)
        let container = "\(namespace)-skupper-router"
        let echo = try EchoServer()
        let port = freePort(), otherPort = freePort()
        func pair(_ name: String, _ listenerPort: Int) -> String {
            ResourceYAML.listener(name, port: listenerPort, host: "127.0.0.1") + "\n---\n" + ResourceYAML.connector(name, port: echo.port, host: "127.0.0.1")
        }
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n")
        try site.write("backend.yaml", pair("backend", port))
        let agent = try AgentProcess(
            site: site,
            arguments: [
                "--namespace", namespace, "--platform", kind, "--container-socket", socket, "--router-image", image,
            ])
        defer { agent.stop() }
        #expect(
            site.eventually(timeout: 60) { site.status(.site, "west")?.status.phase == .ready },
            "\(String(describing: site.status(.site, "west")))\n\(agent.log)")
        let payload = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        #expect(site.eventually(timeout: 20) { echoRoundTrip(port: port, payload: payload, timeout: 2) == payload }, "\(agent.log)")
        #expect(site.eventually(timeout: 10) { site.status(.listener, "backend")?.status.field("hasMatchingConnector")?.text == "true" })
        let started = try #require(try inspect(container)?.at("State", "StartedAt") as? String)
        let stream = try #require(TCPStream(port: port))
        #expect(stream.echo(Array("before".utf8)) == Array("before".utf8))

        try site.write("other.yaml", pair("other", otherPort))
        #expect(site.eventually(timeout: 15) { echoRoundTrip(port: otherPort, payload: payload, timeout: 2) == payload }, "\(agent.log)")
        #expect(stream.echo(Array("after".utf8)) == Array("after".utf8), "the stream did not survive the change")
        #expect(try inspect(container)?.at("State", "StartedAt") as? String == started, "the container was restarted")

        // A certificate of the user's takes the place of the router's local server certificate: rotated in through
        // management (the router reads the bind-mounted files again), the container not restarted.
        let local = try site.identityPorts().local
        let client = site.layout.certificate("skupper-local-client")
        let serve = {
            OpenSSLCertificates.servedSerial(port: local, certificate: client.appendingPathComponent("tls.crt"), key: client.appendingPathComponent("tls.key"))
        }
        #expect(serve() != nil)
        let staged = try ScratchDirectory()
        let serial = try OpenSSLCertificates.issue(
            into: URL(fileURLWithPath: staged.path("local")), authority: site.layout.issuers.appendingPathComponent("skupper-local-ca"),
            like: site.layout.certificate("skupper-local-server").appendingPathComponent("tls.crt"), commonName: "skupper-local-server", days: 365)
        #expect(try run(["cp", "-r", staged.path("local"), site.layout.inputCertificates.appendingPathComponent("skupper-local-server").path]).status == 0)
        #expect(site.eventually(timeout: 20) { serve() == serial }, "\(agent.log.suffix(2000))")
        #expect(stream.echo(Array("after the rotation".utf8)) == Array("after the rotation".utf8))
        #expect(try inspect(container)?.at("State", "StartedAt") as? String == started, "the container was restarted")
        try site.remove("site.yaml")
        #expect(site.eventually(timeout: 30) { (try? inspect(container)) ?? nil == nil })
    }
}
