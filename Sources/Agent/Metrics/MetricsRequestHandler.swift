import NIOCore
import NIOHTTP1
import Prometheus

/// Answers one request on a metrics connection, then closes it: `/metrics`, `/healthz`, or 404 (405 for a method
/// other than GET or HEAD, 413 for a request over the size limit); an idle connection is closed.
final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let registry: PrometheusCollectorRegistry
    let health: AgentHealth
    private var head: HTTPRequestHead?
    private var size = 0
    private var answered = false

    init(registry: PrometheusCollectorRegistry, health: AgentHealth) {
        self.registry = registry
        self.health = health
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            size = head.uri.utf8.count
        case .body(let body):
            size += body.readableBytes
        case .end:
            guard let head else { return }
            answer(head, context: context)
            return
        }
        if size > MetricsServer.maximumRequestSize {
            respond(.payloadTooLarge, "request too large\n", head: nil, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) } else { context.fireUserInboundEventTriggered(event) }
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard head.method == .GET || head.method == .HEAD else {
            return respond(.methodNotAllowed, "only GET and HEAD\n", head: head, context: context, extra: [("Allow", "GET, HEAD")])
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
        switch path {
        case "/metrics":
            respond(
                .ok, String(decoding: registry.emitToBuffer(), as: UTF8.self), head: head, context: context,
                contentType: "text/plain; version=0.0.4; charset=utf-8")
        case "/healthz":
            let ready = health.isReady
            respond(ready ? .ok : .serviceUnavailable, ready ? "ok\n" : "not ready\n", head: head, context: context)
        default:
            respond(.notFound, "not found: /metrics and /healthz are served\n", head: head, context: context)
        }
    }

    private func respond(
        _ status: HTTPResponseStatus, _ text: String, head request: HTTPRequestHead?, context: ChannelHandlerContext,
        contentType: String = "text/plain; charset=utf-8", extra: [(String, String)] = []
    ) {
        answered = true
        let body = context.channel.allocator.buffer(string: text)
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(body.readableBytes)"), ("Connection", "close")])
        headers.add(contentsOf: extra)
        let version = request?.version ?? .http1_1
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        if request?.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
