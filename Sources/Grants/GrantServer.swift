import Certificates
import Foundation
import Resources
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The token-redemption service: HTTPS (TLS 1.3 only) on its own port, answering `POST /<grant uid>` with the
/// grant's code as the body, as Skupper v2's grant server does.
public final class GrantServer: Sendable {
    /// Limits that keep abusive clients from holding resources.
    public struct Limits: Sendable {
        /// Largest request body accepted (a code is 24 bytes).
        public var maximumBodySize = 4096
        /// A connection that sends nothing for this long is closed (slow clients, stalled handshakes).
        public var readTimeout: TimeAmount = .seconds(10)
        public init() {}
    }

    /// Where the server listens.
    public let host: String
    public let requestedPort: Int
    let ledger: GrantLedger
    let limiter: FailureLimiter
    let limits: Limits
    let logger: Logger
    let context = Mutex<RedemptionContext?>(nil)
    let observer = Mutex<(@Sendable (GrantRecord) -> Void)?>(nil)
    let running = Mutex<(channel: Channel, task: Task<Void, Never>)?>(nil)

    public init(host: String, port: Int, ledger: GrantLedger, limiter: FailureLimiter = FailureLimiter(), limits: Limits = Limits(), logger: Logger) {
        self.host = host
        self.requestedPort = port
        self.ledger = ledger
        self.limiter = limiter
        self.limits = limits
        self.logger = logger
    }

    /// Replaces what redemptions are answered with.
    public func setContext(_ newContext: RedemptionContext?) { context.withLock { $0 = newContext } }

    /// Sets what is told of each successful redemption (after it is counted).
    public func onRedemption(_ handler: @escaping @Sendable (GrantRecord) -> Void) { observer.withLock { $0 = handler } }

    /// Whether it is listening.
    public var isRunning: Bool { running.withLock { $0 != nil } }

    /// The port it is bound to (useful when started on port 0).
    public var boundPort: Int? { running.withLock { $0?.channel.localAddress?.port } }

    /// Starts listening with the given server certificate, unless already listening.
    public func start(credentials: TLSCredentials) async throws {
        if isRunning { return }
        let certificates = try NIOSSLCertificate.fromPEMBytes(Array(credentials.certificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(credentials.privateKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv13
        let sslContext = try NIOSSLContext(configuration: configuration)
        let readTimeout = limits.readTimeout
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: requestedPort) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: readTimeout))
                    try channel.pipeline.syncOperations.addHandler(CloseOnIdle())
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let task = Task { [self] in
            do {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                }
            } catch {
                logger.debug("grant server stopped: \(error)")
            }
        }
        running.withLock { $0 = (server.channel, task) }
        logger.info("grant server listening", metadata: ["address": "\(host):\(server.channel.localAddress?.port ?? requestedPort)"])
    }

    /// Stops listening (connections in flight finish).
    public func stop() async {
        guard let current = running.withLock({ value -> (channel: Channel, task: Task<Void, Never>)? in
            defer { value = nil }
            return value
        }) else { return }
        try? await current.channel.close()
        current.task.cancel()
        logger.info("grant server stopped")
    }

    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let address = connection.channel.remoteAddress?.ipAddress ?? "unknown"
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = ByteBuffer()
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body.clear()
                        tooLarge = false
                    case .body(var chunk):
                        if body.readableBytes + chunk.readableBytes > limits.maximumBodySize {
                            tooLarge = true
                        } else {
                            body.writeBuffer(&chunk)
                        }
                        if tooLarge {
                            try await respond(outbound, .failure(.tooLarge))
                            return
                        }
                    case .end:
                        guard let requestHead = head else { return }
                        let result = await handle(requestHead, body: body, from: address)
                        try await respond(outbound, result)
                        return
                    }
                }
            }
        } catch {
            logger.debug("grant connection from \(address) ended: \(error)")
        }
    }

    /// Decides the answer to one request.
    func handle(_ head: HTTPRequestHead, body: ByteBuffer, from address: String) async -> Result<String, RedemptionFailure> {
        guard head.method == .POST else { return .failure(.methodNotAllowed) }
        guard limiter.allows(address) else { return .failure(.tooManyFailures) }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let key = path.split(separator: "/").joined()
        let code = body.readableBytesView
        switch await ledger.redeem(key: key, code: Array(code)) {
        case .failure(let failure):
            if failure == .refused || failure == .noSuchClaim { limiter.recordFailure(address) }
            logger.notice("redemption refused", metadata: ["from": "\(address)", "status": "\(failure.status)", "reason": "\(failure.message)"])
            return .failure(failure)
        case .success(let record):
            guard let context = context.withLock({ $0 }) else { return .failure(RedemptionFailure(500, "Site not yet defined")) }
            let name = head.headers.first(name: "name").flatMap { $0.isEmpty ? nil : $0 } ?? record.name
            guard ObjectMeta.isValidLabel(name) else { return .failure(RedemptionFailure(400, "Invalid name \"\(name)\"")) }
            do {
                let response = try context.response(name: name, subject: head.headers.first(name: "subject"))
                logger.info("grant redeemed", metadata: ["grant": "\(record.name)", "from": "\(address)", "redemptions": "\(record.redemptions)/\(record.redemptionsAllowed)"])
                observer.withLock { $0 }?(record)
                return .success(response)
            } catch {
                return .failure(error)
            }
        }
    }

    func respond(_ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, _ result: Result<String, RedemptionFailure>) async throws {
        let (status, text): (HTTPResponseStatus, String) = switch result {
        case .success(let body): (.ok, body)
        case .failure(let failure): (HTTPResponseStatus(statusCode: failure.status), failure.message + "\n")
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "Connection", value: "close")
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text))))
        try await outbound.write(.end(nil))
    }
}

/// Closes a connection when the idle handler says it sent nothing for too long.
final class CloseOnIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
