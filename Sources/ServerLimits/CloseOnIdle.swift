import NIOCore

/// Closes a connection when the idle handler says it sent nothing for too long.
public final class CloseOnIdle: ChannelInboundHandler, Sendable {
    public typealias InboundIn = NIOAny

    public init() {}

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
