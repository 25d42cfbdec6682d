import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The listening socket of one of the agent's plain HTTP services: each connection admitted by the gate (else closed
/// at once), closed at its deadline and when idle, optionally made TLS first, then NIO's HTTP server pipeline and a
/// `SingleRequestHandler` with `answer`.
public enum LimitedHTTPServer {
    public static func bootstrap(
        connections: ConnectionGate, deadline: TimeAmount, idleTimeout: TimeAmount,
        tls: (@Sendable () -> any ChannelHandler)? = nil, answer: @escaping @Sendable (HTTPRequestHead) -> HTTPAnswer
    ) -> ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    guard connections.admit(channel) else { return try pipeline.addHandler(CloseWhenActive()) }
                    try pipeline.addHandler(ConnectionDeadline(deadline))
                    try pipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    if let tls { try pipeline.addHandler(tls()) }
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(SingleRequestHandler(answer: answer))
                }
            }
    }
}

extension LimitedHTTPServer {
    /// Serves on a bound channel until the service group stops gracefully, or is cancelled (another service failed):
    /// the channel is closed either way (its close future alone would wait on).
    public static func serve(_ channel: any Channel) async throws {
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}
