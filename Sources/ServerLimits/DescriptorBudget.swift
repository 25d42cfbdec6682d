#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The process's file descriptors, shared out: the agent's own work (router management, status files, child processes,
/// inotify, certificates) keeps `reserve`, and the listening services' connection caps come out of the rest, so a
/// flood of connections can fill its caps but never take the descriptors a change needs.
public struct DescriptorBudget: Sendable, Hashable {
    /// The soft limit in force (RLIMIT_NOFILE).
    public var limit: Int
    /// Descriptors kept for the agent's own work.
    public var reserve: Int

    /// Below this limit the agent warns at start: its caps shrink and a busy site may run short.
    public static let recommended = 4096
    /// What the agent keeps for itself.
    public static let defaultReserve = 256

    public init(limit: Int, reserve: Int = defaultReserve) {
        self.limit = max(0, limit)
        self.reserve = reserve
    }

    /// Raises the soft descriptor limit to the hard one (allowed without privileges, as Go's runtime does at start)
    /// and returns the budget under the limit then in force.
    public static func raisingSoftLimit() -> DescriptorBudget {
        var limits = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limits) == 0 else { return usual }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(RLIMIT_NOFILE_VALUE, &raised) == 0 { limits = raised }
        }
        // RLIM_INFINITY is all ones: the clamp reads it as the largest limit.
        return DescriptorBudget(limit: Int(min(UInt64(limits.rlim_cur), UInt64(Int32.max))))
    }

    /// The budget under the usual soft limit (1,024): the caps a server has when nobody sized them.
    public static let usual = DescriptorBudget(limit: 1024)

    /// Whether the limit is below what the agent is meant to run with.
    public var isLow: Bool { limit < Self.recommended }

    /// Descriptors the listening services may hold in all.
    public var forConnections: Int { max(8, limit - reserve) }

    /// The grant server's caps: up to 256 in all (half of what connections may hold), 64 from one address (sites behind
    /// one NAT redeeming together), 128 from one network.
    public var grantServer: ConnectionCaps {
        ConnectionCaps(total: min(256, forConnections / 2), perAddress: 64, perNetwork: 128)
    }

    /// The metrics endpoint's caps: up to 64 in all (a quarter), 8 from one address, 16 from one network (a scraper
    /// and a health check need one each).
    public var metrics: ConnectionCaps {
        ConnectionCaps(total: min(64, forConnections / 4), perAddress: 8, perNetwork: 16)
    }

    /// The console's caps: up to 64 in all (a quarter), 32 from one address (a browser opens several at once, and on
    /// loopback, or through `ssh -L`, every client is 127.0.0.1), 48 from one network.
    public var console: ConnectionCaps {
        ConnectionCaps(total: min(64, forConnections / 4), perAddress: 32, perNetwork: 48)
    }
}

#if canImport(Glibc)
    /// glibc declares RLIMIT_NOFILE as an enum case of `__rlimit_resource`.
    private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
    private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif
