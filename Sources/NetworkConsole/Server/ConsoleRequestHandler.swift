import NIOCore
import NIOHTTP1

/// Answers one request on a console connection from `ConsoleRoutes`, then closes it; a request over the size limit
/// gets 413, an idle connection is closed.
public final class ConsoleRequestHandler: ChannelInboundHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias OutboundOut = HTTPServerResponsePart

    let routes: ConsoleRoutes
    private var head: HTTPRequestHead?
    private var size = 0
    private var answered = false
    /// The largest request line plus body accepted (headers are bounded by the HTTP parser).
    static let maximumRequestSize = 8192

    public init(routes: ConsoleRoutes) { self.routes = routes }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            size = head.uri.utf8.count
        case .body(let body):
            size += body.readableBytes
        case .end:
            guard let head else { return }
            let request = ConsoleRequest(
                method: head.method.rawValue, uri: head.uri, host: head.headers.first(name: "Host"),
                authorization: head.headers.first(name: "Authorization"), ifNoneMatch: head.headers.first(name: "If-None-Match"))
            respond(routes.answer(request), head: head, context: context)
            return
        }
        if size > Self.maximumRequestSize {
            respond(ConsoleResponse(413, "request too large\n"), head: nil, context: context)
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) } else { context.fireUserInboundEventTriggered(event) }
    }

    private func respond(_ response: ConsoleResponse, head request: HTTPRequestHead?, context: ChannelHandlerContext) {
        answered = true
        let body = context.channel.allocator.buffer(string: response.body)
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: request?.version ?? .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request?.method != .HEAD, response.status != 304 { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
