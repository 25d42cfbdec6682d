import NIOCore
import NIOHTTP1

/// What the grant server's accept loop gets for each accepted connection.
enum AcceptedConnection: Sendable {
    /// A connection to serve, with TLS and HTTP set up.
    case connection(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>)
    /// A connection beyond the limit, closing already.
    case refused
}
