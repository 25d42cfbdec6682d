import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServerLimits
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// The network console's HTTP server (`--console-address`): the page, the observer API and the network metrics, one
/// request per connection, small requests only, idle connections closed, every connection closed after `deadline`,
/// and connections capped in all and per address and network. Runs in the agent's service group.
public final class ConsoleServer: Service, Sendable {
    public let address: ConsoleAddress
    let routes: ConsoleRoutes
    let logger: Logger
    let idleTimeout: TimeAmount
    let deadline: TimeAmount
    let connections: ConnectionGate
    /// HTTPS, when the console has a certificate.
    let tls: ConsoleTLS?
    /// Told the port once the server listens (`runtime/agent.yaml`, `skupper system status`).
    let onListening: @Sendable (Int) -> Void

    public init(
        address: ConsoleAddress, routes: ConsoleRoutes, tls: ConsoleTLS? = nil, caps: ConnectionCaps = DescriptorBudget.usual.console,
        idleTimeout: TimeAmount = .seconds(10),
        deadline: TimeAmount = .seconds(15), logger: Logger, onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.address = address
        self.tls = tls
        self.routes = routes
        self.idleTimeout = idleTimeout
        self.deadline = deadline
        connections = ConnectionGate(caps: caps)
        self.logger = logger
        self.onListening = onListening
    }

    /// Binds (the first free port from the address's on, for the default), serves until the group shuts down. An
    /// address given that cannot be bound ends the agent; the default one only turns the console off.
    public func run() async throws {
        let routes = routes
        var secure: (@Sendable () -> any ChannelHandler)?
        if let tls { secure = { tls.handler() } }
        let bootstrap = LimitedHTTPServer.bootstrap(connections: connections, deadline: deadline, idleTimeout: idleTimeout, tls: secure) { head in
            routes.answer(head)
        }
        var channel: (any Channel)?
        var failure = ""
        for port in address.port...min(address.port + address.portSearch, 65535) {
            do {
                channel = try await bootstrap.bind(host: address.host, port: port).get()
                break
            } catch let error as IOError where error.errnoCode == EADDRINUSE && port < address.port + address.portSearch {
                continue
            } catch {
                failure = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            }
        }
        guard let channel else {
            guard address.portSearch == 0 else {
                // The default console is a convenience: the site runs on without it.
                logger.warning("cannot listen for the network console: it is off", metadata: ["address": "\(address)", "error": "\(failure)"])
                try? await gracefulShutdown()
                return
            }
            logger.critical("cannot listen for the console", metadata: ["address": "\(address)", "error": "\(failure)"])
            throw ConsoleListenError(address: address, reason: failure)
        }
        let port = channel.localAddress?.port ?? address.port
        onListening(port)
        let url = "\(tls == nil ? "http" : "https")://\(address.host.contains(":") ? "[\(address.host)]" : address.host):\(port)/"
        routes.feed.listening(at: url)
        let authentication =
            [tls?.requiresClientCertificates == true ? "client certificates" : nil, routes.authentication != nil ? "password file" : nil]
            .compactMap { $0 }.joined(separator: " and ")
        logger.info(
            "network console listening",
            metadata: ["url": "\(url)", "authentication": "\(authentication.isEmpty ? "none (loopback only)" : authentication)"])
        try await LimitedHTTPServer.serve(channel)
    }
}

/// The console's address could not be bound (in use, not an address of this host).
public struct ConsoleListenError: Error, CustomStringConvertible, Sendable {
    public var address: ConsoleAddress
    public var reason: String
    public var description: String { "--console-address \(address): cannot listen: \(reason)" }
}
