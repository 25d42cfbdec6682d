import NIOCore
import NIOHTTP1

/// An answer to one HTTP request: status, headers (Content-Length and Connection are added) and body.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: String

    public init(_ status: Int, _ body: String, contentType: String = "text/plain; charset=utf-8", headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = [("Content-Type", contentType)] + headers
    }
}

/// Answers one request on a connection, then closes it: small requests only (413 past `maximumRequestSize`, the
/// request line and body counted; headers are bounded by NIO's parser), the answer made by `answer` from the
/// request's head, no body for HEAD or 304; an idle connection (`IdleStateHandler` before it) is closed. The
/// agent's plain HTTP services (metrics, console) are this and a function of the request.
public final class SingleRequestHandler: ChannelInboundHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias OutboundOut = HTTPServerResponsePart

    /// The largest request line plus body accepted.
    public static let maximumRequestSize = 8192
    let answer: @Sendable (HTTPRequestHead) -> HTTPAnswer
    private var head: HTTPRequestHead?
    private var size = 0
    private var answered = false

    public init(answer: @escaping @Sendable (HTTPRequestHead) -> HTTPAnswer) { self.answer = answer }

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
            respond(answer(head), head: head, context: context)
            return
        }
        if size > Self.maximumRequestSize {
            respond(HTTPAnswer(413, "request too large\n"), head: nil, context: context)
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) } else { context.fireUserInboundEventTriggered(event) }
    }

    private func respond(_ response: HTTPAnswer, head request: HTTPRequestHead?, context: ChannelHandlerContext) {
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
