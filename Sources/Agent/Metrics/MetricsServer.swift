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
    /// The largest request line plus body accepted (headers are bounded by the HTTP parser).
    static let maximumRequestSize = 8192

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
        let registry = registry, health = health, idleTimeout = idleTimeout, deadline = deadline, connections = connections
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        guard connections.admit(channel) else { return try pipeline.addHandler(CloseWhenActive()) }
                        try pipeline.addHandler(ConnectionDeadline(deadline))
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
        logger.info(
            "metrics listening",
            metadata: [
                "address": "\(address)", "connections": "\(connections.caps.total)",
                "perAddress": "\(connections.caps.perAddress)",
            ])
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
