import NIOCore

/// Closes a connection a fixed time after it became active, whatever it is doing (TLS handshake, a request
/// trickled in byte by byte, a response the client does not read): an idle timeout alone never ends a client
/// that sends a byte now and then.
public final class ConnectionDeadline: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    public let duration: TimeAmount
    private var timer: Scheduled<Void>?

    public init(_ duration: TimeAmount) { self.duration = duration }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    public func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: duration) {
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
