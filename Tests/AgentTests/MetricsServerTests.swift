import Foundation
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import TestSupport
import Testing

@testable import Agent

/// The metrics server in this process: readiness as the agent sets it, idle connections closed.
@Suite("Metrics server")
struct MetricsServerTests {
    @Test func healthFollowsTheAgentAndIdleConnectionsAreClosed() async throws {
        let port = freePort()
        let health = AgentHealth()
        let server = MetricsServer(
            address: try MetricsAddress(parsing: "127.0.0.1:\(port)"), registry: PrometheusCollectorRegistry(),
            health: health, idleTimeout: .milliseconds(200), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var answer = (status: 0, body: "")
            for _ in 0..<100 {
                if let reply = try? PlainHTTP.get("/healthz", port: port) {
                    answer = reply
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(answer.status == 503 && answer.body == "not ready\n", "\(answer)")
            health.set(ready: true)
            #expect(try PlainHTTP.get("/healthz", port: port).status == 200)
            #expect(try PlainHTTP.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n", port: port) == (200, ""))
            // A client that sends nothing is closed after the idle timeout (an empty answer, well before the 5 s read timeout).
            let started = ContinuousClock.now
            #expect(try PlainHTTP.send("", port: port).status == 0)
            #expect(ContinuousClock.now - started < .seconds(3))
            health.set(ready: false)
            #expect(try PlainHTTP.get("/healthz", port: port).status == 503)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
