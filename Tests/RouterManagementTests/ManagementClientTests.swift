import Foundation
import RouterManagement
import TestSupport
import Testing

/// The management client against the real skupper-router 3.5.1, run on a configuration the agent rendered.
@Suite("Router management over AMQP", .serialized)
struct ManagementClientTests {
    /// A rendered site (the render-only platform) with its router running, and a client for it.
    struct RunningSite {
        let site: TemporarySite
        let agent: AgentProcess
        var router: RealRouter
        let client: ManagementClient

        init() throws {
            site = try TemporarySite()
            try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: mgmt\n")
            agent = try AgentProcess(site: site, arguments: ["--platform", "render"])
            let config = site.layout.routerConfig
            guard site.eventually(timeout: 20, { FileManager.default.fileExists(atPath: config.path) }) else {
                throw TestFailure("no router configuration\n\(agent.log)")
            }
            router = try RealRouter(site: site)
            let client = site.layout.certificate("skupper-local-client")
            self.client = ManagementClient(
                endpoint: ManagementEndpoint(
                    port: try site.identityPorts().local, certificateFile: client.appendingPathComponent("tls.crt").path,
                    keyFile: client.appendingPathComponent("tls.key").path, caFile: client.appendingPathComponent("ca.crt").path))
        }

        /// Queries until the router answers (it takes a moment to listen).
        func waitForAnswer(_ request: ManagementRequest, timeout: TimeInterval = 20) async throws -> ManagementResponse {
            let deadline = Date().addingTimeInterval(timeout)
            var lastError: (any Error)?
            while Date() < deadline {
                do { return try await client.perform(request) } catch { lastError = error }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw TestFailure("no answer: \(lastError.map { "\($0)" } ?? "")\n\(router.log.suffix(2000))")
        }
    }

    @Test func queriesCreatesAndDeletesEntitiesOnTheRunningRouter() async throws {
        let running = try RunningSite()
        defer {
            running.router.stop()
            running.agent.stop()
        }
        let nodes = try await running.waitForAnswer(.query("io.skupper.router.router"))
        #expect(nodes.entities.first?["mode"]?.text == "interior", "\(nodes.body)")
        #expect(nodes.entities.first?["id"]?.text?.hasPrefix("mgmt-") == true)

        // A tcpConnector and a tcpListener made at runtime carry traffic at once; deleted, they are gone.
        let echo = try EchoServer()
        let connector = try await running.client.perform(
            .create(
                "io.skupper.router.tcpConnector", name: "connector/live",
                attributes: [
                    "host": "127.0.0.1", "port": .string(String(echo.port)), "address": "live",
                ]))
        #expect(connector.statusCode == 201)
        let port = freePort()
        let created = try await running.client.perform(
            .create(
                "io.skupper.router.tcpListener", name: "listener/live",
                attributes: [
                    "host": "127.0.0.1", "port": .string(String(port)), "address": "live",
                ]))
        #expect(created.statusCode == 201)
        let listeners = try await running.client.perform(.query("io.skupper.router.tcpListener", attributes: ["name", "address", "operStatus"]))
        #expect(listeners.entities.contains { $0["name"]?.text == "listener/live" && $0["address"]?.text == "live" }, "\(listeners.body)")
        #expect(running.site.eventually { echoRoundTrip(port: port, payload: Array("live".utf8), timeout: 1) == Array("live".utf8) })
        let deleted = try await running.client.perform(.delete("io.skupper.router.tcpListener", name: "listener/live"))
        #expect(deleted.statusCode == 204 || deleted.statusCode == 200)
        let after = try await running.client.perform(.query("io.skupper.router.tcpListener", attributes: ["name"]))
        #expect(!after.entities.contains { $0["name"]?.text == "listener/live" })

        // A bad request is the router's answer, not a lost connection.
        await #expect(throws: ManagementError.self) {
            try await running.client.perform(.delete("io.skupper.router.tcpListener", name: "listener/none"))
        }
        #expect(try await running.client.perform(.query("io.skupper.router.router")).succeeded)
    }

    @Test func reconnectsWhenTheRouterRestartsAndSaysWhyItCannot() async throws {
        var running = try RunningSite()
        defer {
            running.router.stop()
            running.agent.stop()
        }
        _ = try await running.waitForAnswer(.query("io.skupper.router.router"))
        running.router.stop()
        let down = try await running.client.perform([.query("io.skupper.router.router")], timeout: .seconds(2))
        guard case .failure(let error) = down[0] else {
            Issue.record("answered with no router")
            return
        }
        #expect(!error.description.isEmpty)
        running.router = try RealRouter(site: running.site)
        let again = try await running.waitForAnswer(.query("io.skupper.router.router"))
        #expect(again.entities.count == 1)
    }
}
