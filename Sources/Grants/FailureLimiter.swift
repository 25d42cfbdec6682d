import FoundationEssentials
import ServerLimits
import Synchronization

/// Slows down code guessing: after `limit` refused redemptions from one address, or `networkLimit` from one
/// network (/24 for IPv4, /64 for IPv6), within `window`, further attempts from there are refused (429) until
/// the window has passed. Memory stays bounded: at most `capacity` addresses and `capacity` networks are tracked.
public final class FailureLimiter: Sendable {
    /// Refused attempts allowed from one address within the window.
    public let limit: Int
    /// Refused attempts allowed from one network within the window.
    public let networkLimit: Int
    /// How long a refusal counts.
    public let window: TimeInterval

    struct State {
        var addresses: RecentFailures
        var networks: RecentFailures
    }

    private let state: Mutex<State>

    /// A limiter; `networkLimit` defaults to five times `limit`.
    public init(limit: Int = 10, networkLimit: Int? = nil, window: TimeInterval = 60, capacity: Int = 10_000) {
        self.limit = limit
        self.networkLimit = networkLimit ?? limit.multipliedReportingOverflow(by: 5).partialValue
        self.window = window
        state = Mutex(
            State(
                addresses: RecentFailures(limit: limit, window: window, capacity: capacity),
                networks: RecentFailures(limit: self.networkLimit, window: window, capacity: capacity)))
    }

    /// Whether `address` may try now (neither it nor its network is at its limit).
    public func allows(_ address: String, now: Date = Date()) -> Bool {
        let client = ClientAddress(address)
        return state.withLock { Self.allows(client, in: &$0, now: now) }
    }

    /// Records a refused attempt from `address`.
    public func recordFailure(_ address: String, now: Date = Date()) {
        let client = ClientAddress(address)
        state.withLock { Self.record(client, in: &$0, now: now) }
    }

    /// Checks and, when allowed, records the attempt as refused in one step, so concurrent attempts cannot all
    /// slip under the limit; call `forgive` when the attempt turns out not to be a refusal.
    public func admit(_ address: String, now: Date = Date()) -> Bool {
        let client = ClientAddress(address)
        return state.withLock { state in
            guard Self.allows(client, in: &state, now: now) else { return false }
            Self.record(client, in: &state, now: now)
            return true
        }
    }

    /// Takes back the refusal `admit` recorded for `address`.
    public func forgive(_ address: String) {
        let client = ClientAddress(address)
        state.withLock { state in
            state.addresses.forgetLatest(client.address)
            if let network = client.network { state.networks.forgetLatest(network) }
        }
    }

    /// How many addresses and networks are tracked (for tests of the memory bound).
    public var trackedCount: (addresses: Int, networks: Int) {
        state.withLock { ($0.addresses.times.count, $0.networks.times.count) }
    }

    private static func allows(_ client: ClientAddress, in state: inout State, now: Date) -> Bool {
        guard state.addresses.allows(client.address, now: now) else { return false }
        guard let network = client.network else { return true }
        return state.networks.allows(network, now: now)
    }

    private static func record(_ client: ClientAddress, in state: inout State, now: Date) {
        state.addresses.record(client.address, now: now)
        if let network = client.network { state.networks.record(network, now: now) }
    }
}
