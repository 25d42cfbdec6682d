import FoundationEssentials
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServerLimits
import ServiceLifecycle

/// The optional HTTP endpoint (`--metrics-address`): `GET /metrics` in Prometheus' text format, `GET /healthz`
/// 200 once the agent is ready (503 before and while stopping), 404 for anything else. One request per connection,
/// small requests only, idle connections closed, every connection closed after `deadline`, and connections capped in
/// all and per address and network, so a local neighbour's flood never keeps a health check out. Runs in the agent's
/// service group.
public final class MetricsServer: Service, Sendable {
    public let address: MetricsAddress
    let registry: PrometheusCollectorRegistry
    let health: AgentHealth
    let logger: Logger
    /// A connection that sends nothing for this long is closed.
    let idleTimeout: TimeAmount
    /// A connection is closed this long after it was accepted, whatever it does (a client trickling its request).
    let deadline: TimeAmount
    /// Connections served at once.
    let connections: ConnectionGate

    /// Makes the server on the process's metrics registry.
    public convenience init(address: MetricsAddress, export: MetricsExport, health: AgentHealth, caps: ConnectionCaps, logger: Logger) {
        self.init(address: address, registry: export.registry, health: health, caps: caps, logger: logger)
    }

    init(
        address: MetricsAddress, registry: PrometheusCollectorRegistry, health: AgentHealth, caps: ConnectionCaps = DescriptorBudget.usual.metrics,
        idleTimeout: TimeAmount = .seconds(10), deadline: TimeAmount = .seconds(15), logger: Logger
    ) {
        self.address = address
        self.idleTimeout = idleTimeout
        self.deadline = deadline
        connections = ConnectionGate(caps: caps)
        self.registry = registry
        self.health = health
        self.logger = logger
    }

    /// Binds, serves until the service group shuts down, then closes the listener.
    public func run() async throws {
        let registry = registry, health = health
        let channel: any Channel
        do {
            channel = try await LimitedHTTPServer.bootstrap(connections: connections, deadline: deadline, idleTimeout: idleTimeout) { head in
                Self.answer(head, registry: registry, health: health)
            }
            .bind(host: address.host, port: address.port).get()
        } catch {
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            logger.critical("cannot listen for metrics", metadata: ["address": "\(address)", "error": "\(reason)"])
            throw MetricsListenError(address: address, reason: reason)
        }
        logger.info(
            "metrics listening",
            metadata: [
                "address": "\(address)", "connections": "\(connections.caps.total)",
                "perAddress": "\(connections.caps.perAddress)",
            ])
        try await LimitedHTTPServer.serve(channel)
    }
}

/// The metrics address could not be bound (in use, not an address of this host).
public struct MetricsListenError: Error, CustomStringConvertible, Sendable {
    public var address: MetricsAddress
    public var reason: String
    public var description: String { "--metrics-address \(address): cannot listen: \(reason)" }
}

extension MetricsServer {
    /// The answer to one request: `/metrics`, `/healthz`, or 404 (405 for a method other than GET or HEAD).
    static func answer(_ head: HTTPRequestHead, registry: PrometheusCollectorRegistry, health: AgentHealth) -> HTTPAnswer {
        guard head.method == .GET || head.method == .HEAD else { return HTTPAnswer(405, "only GET and HEAD\n", headers: [("Allow", "GET, HEAD")]) }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
        switch path {
        case "/metrics":
            return HTTPAnswer(200, String(decoding: registry.emitToBuffer(), as: UTF8.self), contentType: "text/plain; version=0.0.4; charset=utf-8")
        case "/healthz":
            let ready = health.isReady
            return HTTPAnswer(ready ? 200 : 503, ready ? "ok\n" : "not ready\n")
        default:
            return HTTPAnswer(404, "not found: /metrics and /healthz are served\n")
        }
    }
}
