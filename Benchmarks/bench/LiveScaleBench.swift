import Foundation
import RouterManagement
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One site run by its agent with the process platform and the real router, `services` Listener+Connector pairs
/// loaded: how long a new pair's port takes to accept connections, and the router's floor for the same change (the
/// same entities created directly through management on a router loaded alike, nothing else asking it).
enum LiveScaleBench {
    /// Whether `port` on loopback accepts a connection now.
    static func accepts(_ port: Int) -> Bool {
        guard let fd = connectLoopback(port: port, timeout: 0.2) else { return false }
        close(fd)
        return true
    }

    /// Waits until `port` accepts; the milliseconds since `start`.
    static func untilAccepting(_ port: Int, since start: UInt64, what: String) throws -> Double {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if accepts(port) { return Measure.milliseconds(since: start) }
            usleep(1_000)
        }
        throw TestFailure("\(what): port \(port) never accepted")
    }

    static func pair(_ name: String, port: Int) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata: {name: \(name)}
        spec: {host: 127.0.0.1, port: 9, routingKey: \(name)}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata: {name: \(name)}
        spec: {host: 127.0.0.1, port: \(port), routingKey: \(name)}

        """
    }

    /// The drops through the agent and the floor's, in milliseconds.
    static func run(services: Int, drops: Int) async throws -> (agent: [Double], floor: [Double]) {
        let router = try RealRouter.prefix().appendingPathComponent("sbin/skrouterd").path
        let site = try TemporarySite()
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: scale}\n")
        try site.write("services.yaml", (0..<services).map { pair("s\($0)", port: 20_000 + $0) }.joined(separator: "---\n"))
        let agent = try AgentProcess(site: site, arguments: ["--platform", "process", "--router-path", router, "--log-level", "warning"])
        // The router loads its configuration at about 25 ms an entity: the last listener up says it is done.
        _ = try untilAccepting(20_000 + services - 1, since: Measure.now(), what: "the loaded router (\(agent.log.suffix(1000)))")
        // The agent has taken in the loaded router (every listener's status follows it), and a moment passes: the
        // drops measure a settled site, not its start.
        let last = "s\(services - 1)"
        guard site.eventually(timeout: 120, { site.status(.listener, last)?.status.field("hasMatchingConnector") == .bool(true) }) else {
            throw TestFailure("the agent did not settle: \(agent.log.suffix(1000))")
        }
        sleep(3)
        var samples: [Double] = []
        for index in 0..<drops {
            let port = 30_000 + index
            let start = Measure.now()
            try site.saveAtomically("drop\(index).yaml", pair("drop\(index)", port: port))
            samples.append(try untilAccepting(port, since: start, what: "drop\(index) (\(agent.log.suffix(1000)))"))
            usleep(200_000)
        }
        agent.stop()

        // The floor: a router loaded alike (the file the agent wrote), changed directly.
        let floorRouter = try RealRouter(site: site)
        defer { floorRouter.stop() }
        _ = try untilAccepting(20_000 + services - 1, since: Measure.now(), what: "the floor's router (\(floorRouter.log.suffix(1000)))")
        sleep(3)
        let client = try BenchNetwork.client(site)
        var floor: [Double] = []
        for index in 0..<drops {
            let port = 31_000 + index
            let start = Measure.now()
            _ = try await client.perform(
                .create(
                    "io.skupper.router.tcpConnector", name: "connector/direct\(index)",
                    attributes: [
                        "host": "127.0.0.1", "port": "9", "address": .string("direct\(index)"),
                    ]))
            _ = try await client.perform(
                .create(
                    "io.skupper.router.tcpListener", name: "listener/direct\(index)",
                    attributes: [
                        "host": "127.0.0.1", "port": .string(String(port)), "address": .string("direct\(index)"),
                    ]))
            floor.append(try untilAccepting(port, since: start, what: "direct\(index)"))
            usleep(200_000)
        }
        return (samples, floor)
    }
}
