import FoundationEssentials
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The optional HTTP endpoint (`--metrics-address`): `GET /metrics` in Prometheus' text format, `GET /healthz`
/// 200 once the agent is ready (503 before and while stopping), 404 for anything else. One request per connection,
/// small requests only, idle connections closed. Runs in the agent's service group.
public final class MetricsServer: Service, Sendable {
    public let address: MetricsAddress
    let registry: PrometheusCollectorRegistry
    let health: AgentHealth
    let logger: Logger
    /// A connection that sends nothing for this long is closed.
    let idleTimeout: TimeAmount
    /// The largest request line plus body accepted (headers are bounded by the HTTP parser).
    static let maximumRequestSize = 8192

    /// Makes the server and bootstraps swift-metrics with its Prometheus registry (once per process).
    public static func bootstrap(address: MetricsAddress, health: AgentHealth, logger: Logger) -> MetricsServer {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return MetricsServer(address: address, registry: registry, health: health, logger: logger)
    }

    init(address: MetricsAddress, registry: PrometheusCollectorRegistry, health: AgentHealth, idleTimeout: TimeAmount = .seconds(10), logger: Logger) {
        self.address = address
        self.idleTimeout = idleTimeout
        self.registry = registry
        self.health = health
        self.logger = logger
    }

    /// Binds, serves until the service group shuts down, then closes the listener.
    public func run() async throws {
        let registry = registry, health = health, idleTimeout = idleTimeout
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        try pipeline.addHandler(MetricsRequestHandler(registry: registry, health: health))
                    }
                }
                .bind(host: address.host, port: address.port).get()
        } catch {
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            logger.critical("cannot listen for metrics", metadata: ["address": "\(address)", "error": "\(reason)"])
            throw MetricsListenError(address: address, reason: reason)
        }
        logger.info("metrics listening", metadata: ["address": "\(address)"])
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// The metrics address could not be bound (in use, not an address of this host).
public struct MetricsListenError: Error, CustomStringConvertible, Sendable {
    public var address: MetricsAddress
    public var reason: String
    public var description: String { "--metrics-address \(address): cannot listen: \(reason)" }
}
