import Foundation
import Logging
import NIOCore
import NIOHTTP1
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
        /// A connection is closed this long after it was accepted, whatever it is doing (TLS handshake included).
        public var connectionDeadline: TimeAmount = .seconds(15)
        /// Connections served at once; beyond it a new connection is closed as soon as it is accepted.
        public var maximumConnections = 256
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
    let connections: ConnectionGate
    let running = Mutex<(channel: Channel, task: Task<Void, Never>)?>(nil)

    public init(host: String, port: Int, ledger: GrantLedger, limiter: FailureLimiter = FailureLimiter(), limits: Limits = Limits(), logger: Logger) {
        self.host = host
        self.requestedPort = port
        self.ledger = ledger
        self.limiter = limiter
        self.limits = limits
        self.logger = logger
        connections = ConnectionGate(capacity: limits.maximumConnections)
    }

    /// Replaces what redemptions are answered with.
    public func setContext(_ newContext: RedemptionContext?) { context.withLock { $0 = newContext } }

    /// Sets what is told of each successful redemption (after it is counted).
    public func onRedemption(_ handler: @escaping @Sendable (GrantRecord) -> Void) { observer.withLock { $0 = handler } }

    /// Whether it is listening.
    public var isRunning: Bool { running.withLock { $0 != nil } }

    /// The port it is bound to (useful when started on port 0).
    public var boundPort: Int? { running.withLock { $0?.channel.localAddress?.port } }

    /// Connections open now (at most `limits.maximumConnections`).
    public var connectionCount: Int { connections.count }

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
                try await serve(parts: inbound, from: address) { try await outbound.write($0) }
            }
        } catch {
            logger.debug("grant connection from \(address) ended: \(error)")
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
            for responsePart in GrantResponse.parts(for: result) { try await write(responsePart) }
            return
        }
    }
}
