import NIOCore
import Synchronization

/// Counts the connections being served and refuses those beyond `capacity`: a refused connection is closed as
/// soon as it is active, before any TLS work, and the ones being served are not affected.
final class ConnectionGate: Sendable {
    let capacity: Int
    private let open = Mutex(0)

    init(capacity: Int) { self.capacity = capacity }

    /// Connections being served now.
    var count: Int { open.withLock { $0 } }

    /// Takes a place for `channel` and gives it back when the channel closes; false when none is free.
    func admit(_ channel: Channel) -> Bool {
        let admitted = open.withLock { open in
            guard open < capacity else { return false }
            open += 1
            return true
        }
        if admitted { channel.closeFuture.whenComplete { _ in self.open.withLock { $0 -= 1 } } }
        return admitted
    }
}

/// Closes a connection as soon as it is active (one the gate refused).
final class CloseWhenActive: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }
}
