import Certificates
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServerLimits

/// Binding the server: TLS 1.3 in front of every accepted connection, within the server's limits. (The fuzz build of
/// this module leaves this file out: it drives the request handling without TLS, so it needs no NIOSSL.)
extension GrantServer {
    /// Starts listening with the given server certificate, unless already listening: binds here, so the caller
    /// learns at once whether the address is free; `run()` accepts the connections.
    public func start(credentials: TLSCredentials) async throws {
        if isRunning { return }
        let certificates = try NIOSSLCertificate.fromPEMBytes(Array(credentials.certificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(credentials.privateKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv13
        let sslContext = try NIOSSLContext(configuration: configuration)
        let limits = limits
        let connections = connections
        @Sendable func bind(_ port: Int) async throws -> Listener {
            try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture { () throws -> AcceptedConnection in
                        let pipeline = channel.pipeline.syncOperations
                        guard connections.admit(channel) else {
                            try pipeline.addHandler(CloseWhenActive())
                            return .refused
                        }
                        do {
                            try pipeline.addHandler(ConnectionDeadline(limits.connectionDeadline))
                            try pipeline.addHandler(IdleStateHandler(readTimeout: limits.readTimeout))
                            try pipeline.addHandler(CloseOnIdle())
                            try pipeline.addHandler(NIOSSLServerHandler(context: sslContext))
                            try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                            return .connection(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                        } catch {
                            // Closing gives the connection's place back.
                            channel.close(promise: nil)
                            throw error
                        }
                    }
                }
        }
        var server: Listener?
        for port in requestedPort...(requestedPort + portSearch) {
            do {
                server = try await bind(port)
                break
            } catch let error as IOError where error.errnoCode == EADDRINUSE && port < requestedPort + portSearch {
                logger.info("grant server port taken: trying the next", metadata: ["port": "\(port)"])
            }
        }
        guard let server else { throw CertificateError("no port to listen on") }
        listening.withLock { $0 = server.channel }
        boundSink.yield(server)
        logger.info("grant server listening", metadata: ["address": "\(host):\(server.channel.localAddress?.port ?? requestedPort)"])
    }
}
