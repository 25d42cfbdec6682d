import NIOCore
import Synchronization

/// How many connections a listening service serves at once: in all, from one address, and from one network (/24 for
/// IPv4, /64 for IPv6, as `ClientAddress` groups them). A neighbour holding silent connections fills its own share,
/// never everyone's.
public struct ConnectionCaps: Sendable, Hashable {
    public var total: Int
    public var perAddress: Int
    public var perNetwork: Int

    public init(total: Int, perAddress: Int, perNetwork: Int) {
        self.total = max(1, total)
        self.perAddress = max(1, min(perAddress, self.total))
        self.perNetwork = max(self.perAddress, min(perNetwork, self.total))
    }
}

/// Counts the connections being served and refuses those beyond the caps: a refused connection is closed as soon as
/// it is active, before any TLS work, and the ones being served are not affected. Memory is bounded by the total cap
/// (an address or network is tracked only while it has a connection open).
public final class ConnectionGate: Sendable {
    public let caps: ConnectionCaps

    struct Counts {
        var total = 0
        var byAddress: [String: Int] = [:]
        var byNetwork: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())

    public init(caps: ConnectionCaps) { self.caps = caps }

    /// Connections being served now.
    public var count: Int { counts.withLock { $0.total } }

    /// Connections being served now from `address`'s address and network.
    public func count(from address: String) -> (address: Int, network: Int) {
        let client = ClientAddress(address)
        return counts.withLock { counts in
            (counts.byAddress[client.address] ?? 0, client.network.flatMap { counts.byNetwork[$0] } ?? 0)
        }
    }

    /// Takes a place for `channel` (counted under its peer's address) and gives it back when the channel closes;
    /// false when the total, its address's or its network's share is full.
    public func admit(_ channel: Channel) -> Bool {
        let client = ClientAddress(channel.remoteAddress?.ipAddress ?? "unknown")
        guard admit(client) else { return false }
        channel.closeFuture.whenComplete { _ in self.release(client) }
        return true
    }

    /// Takes a place for `client`; the caller gives it back with `release`.
    func admit(_ client: ClientAddress) -> Bool {
        counts.withLock { counts in
            guard counts.total < caps.total, counts.byAddress[client.address, default: 0] < caps.perAddress else { return false }
            if let network = client.network {
                guard counts.byNetwork[network, default: 0] < caps.perNetwork else { return false }
                counts.byNetwork[network, default: 0] += 1
            }
            counts.byAddress[client.address, default: 0] += 1
            counts.total += 1
            return true
        }
    }

    /// Gives back the place `admit` took for `client`.
    func release(_ client: ClientAddress) {
        counts.withLock { counts in
            counts.total -= 1
            Self.decrement(&counts.byAddress, client.address)
            if let network = client.network { Self.decrement(&counts.byNetwork, network) }
        }
    }

    private static func decrement(_ table: inout [String: Int], _ key: String) {
        guard let count = table[key] else { return }
        table[key] = count > 1 ? count - 1 : nil
    }
}

/// Closes a connection as soon as it is active (one the gate refused).
public final class CloseWhenActive: ChannelInboundHandler, Sendable {
    public typealias InboundIn = NIOAny

    public init() {}

    public func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }
}
