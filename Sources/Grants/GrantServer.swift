import FoundationEssentials
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServerLimits
import ServiceLifecycle
import Synchronization

/// The token-redemption service: HTTPS (TLS 1.3 only) on its own port, answering `POST /<grant uid>` with the
/// grant's code as the body, as Skupper v2's grant server does. A `Service`: its `run()` serves what `start`
/// bound (accept loops and connections are its child tasks) until the service group stops it; the agent decides
/// when to listen, with which certificate, and when to stop listening.
public final class GrantServer: Service, Sendable {
    /// Limits that keep abusive clients from holding resources.
    public struct Limits: Sendable {
        /// Largest request body accepted (a code is 24 bytes).
        public var maximumBodySize = 4096
        /// A connection that sends nothing for this long is closed (slow clients, stalled handshakes).
        public var readTimeout: TimeAmount = .seconds(10)
        /// A connection is closed this long after it was accepted, whatever it is doing (TLS handshake included).
        public var connectionDeadline: TimeAmount = .seconds(15)
        /// Connections served at once, in all and from one address or network; beyond them a new connection is closed
        /// as soon as it is accepted (the agent sizes them from its descriptor limit: `DescriptorBudget.grantServer`).
        public var connections = DescriptorBudget.usual.grantServer
        public init() {}
    }

    /// Where the server listens.
    public let host: String
    public let requestedPort: Int
    /// How many ports after `requestedPort` are tried when it is taken (a second namespace on the host): 0 for none.
    public let portSearch: Int
    let ledger: GrantLedger
    let limiter: FailureLimiter
    let limits: Limits
    let logger: Logger
    let context = Mutex<RedemptionContext?>(nil)
    let connections: ConnectionGate
    /// The listening channel, while there is one.
    let listening = Mutex<Channel?>(nil)
    /// Channels bound by `start`, handed to `run()` to accept on.
    let bound: AsyncStream<Listener>
    let boundSink: AsyncStream<Listener>.Continuation
    /// The names of grants redeemed (counted and on disk); a burst that nobody read yet is told once.
    public let redemptions: AsyncStream<String>
    let redemptionNotices: AsyncStream<String>.Continuation

    public init(
        host: String, port: Int, portSearch: Int = 0, ledger: GrantLedger, limiter: FailureLimiter = FailureLimiter(),
        limits: Limits = Limits(), logger: Logger
    ) {
        self.host = host
        self.requestedPort = port
        self.portSearch = port == 0 ? 0 : max(0, min(portSearch, 65535 - port))
        self.ledger = ledger
        self.limiter = limiter
        self.limits = limits
        self.logger = logger
        connections = ConnectionGate(caps: limits.connections)
        (bound, boundSink) = AsyncStream.makeStream(of: Listener.self)
        (redemptions, redemptionNotices) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Replaces what redemptions are answered with.
    public func setContext(_ newContext: RedemptionContext?) { context.withLock { $0 = newContext } }

    /// Whether it is listening.
    public var isRunning: Bool { listening.withLock { $0 != nil } }

    /// The port it is bound to (useful when started on port 0).
    public var boundPort: Int? { listening.withLock { $0?.localAddress?.port } }

    /// Connections open now (at most `limits.connections.total`).
    public var connectionCount: Int { connections.count }

    /// Stops listening (connections in flight finish).
    public func stop() async {
        guard let channel = listening.withLock({ $0.take() }) else { return }
        try? await channel.close()
        logger.info("grant server stopped")
    }

    /// Serves every listener `start` binds, until the service group shuts down or the task is cancelled; then stops
    /// listening, and connections still open are cancelled.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for await listener in bound.cancelOnGracefulShutdown() {
                group.addTask { await self.accept(listener) }
            }
            await stop()
            group.cancelAll()
        }
        redemptionNotices.finish()
    }

    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let address = connection.channel.remoteAddress?.ipAddress ?? "unknown"
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await serve(parts: inbound, from: address) { try await outbound.write($0) }
            }
        } catch {
            logger.debug("grant connection ended", metadata: ["client": "\(address)", "error": "\(error)"])
        }
    }

    /// Reads one request from `parts` and writes its answer with `write`: what a connection does once TLS is done.
    public func serve<Parts: AsyncSequence>(
        parts: Parts, from address: String, write: (HTTPServerResponsePart) async throws -> Void
    ) async throws where Parts.Element == HTTPServerRequestPart {
        var reader = GrantRequestReader(maximumBodySize: limits.maximumBodySize)
        for try await part in parts {
            let result: Result<String, RedemptionFailure>
            switch reader.read(part) {
            case .needMore: continue
            case .close: return
            case .refuse(let failure): result = .failure(failure)
            case .request(let head, let body): result = await answer(head, body: body, from: address)
            }
            Self.countRedemption(result)
            for responsePart in GrantResponse.parts(for: result) { try await write(responsePart) }
            return
        }
    }
}

extension GrantServer {
    /// A bound channel whose connections `run()` accepts.
    typealias Listener = NIOAsyncChannel<AcceptedConnection, Never>

    /// Accepts connections on `listener` until it is closed, each served in a child task.
    func accept(_ listener: Listener) async {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await listener.executeThenClose { inbound in
                    for try await accepted in inbound {
                        guard case .connection(let connection) = accepted else { continue }
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } catch {
            logger.debug("grant listener closed", metadata: ["error": "\(error)"])
        }
    }
}

extension GrantServer {
    /// Counts an answered redemption request in `skupperd_grant_redemptions_total` by outcome and HTTP status.
    static func countRedemption(_ result: Result<String, RedemptionFailure>) {
        let dimensions: [(String, String)] =
            switch result {
            case .success: [("outcome", "redeemed"), ("code", "200")]
            case .failure(let failure): [("outcome", "refused"), ("code", "\(failure.status)")]
            }
        Counter(label: "skupperd_grant_redemptions_total", dimensions: dimensions).increment()
    }
}
