import FoundationEssentials
import NetworkConsole
import Resources
import ServerLimits
import SiteFiles
import TokenRedemption

/// How an agent is set up: which namespace directory, which platform, which version to report.
public struct AgentOptions: Sendable {
    public var layout: SiteLayout
    /// The version written into router metadata.
    public var version: String
    /// How long the directory must be quiet before a burst of changes is applied.
    public var debounce: Duration
    /// The token-redemption service.
    public var grantServer: GrantServerOptions
    /// How often the router's state is checked (seconds).
    public var platformCheckInterval: TimeInterval = 5
    /// How often the certificates' ends are checked (seconds): renewals due, warnings, the Site's condition.
    public var certificateCheckInterval: TimeInterval = 3600
    /// Restart the router for every configuration change instead of changing it through management (the way
    /// before live changes: a baseline for the benchmarks).
    public var restartRouterOnEveryChange = false
    /// How AccessTokens whose redemption failed for a passing reason (unreachable, 5xx) are tried again.
    public var tokenRetry = RedemptionRetry.standard
    /// The network console's feed, when the console runs: the agent follows the routers' connections too and tells
    /// it its own state.
    public var console: ConsoleFeed?
    /// How long the console keeps a closed connection (`--flow-record-ttl`, as network-observer's).
    public var connectionRetention: Duration = .seconds(900)

    public init(
        layout: SiteLayout, version: String = SkupperVersion.current, debounce: Duration = .milliseconds(20),
        grantServer: GrantServerOptions = GrantServerOptions()
    ) {
        self.layout = layout
        self.version = version
        self.debounce = debounce
        self.grantServer = grantServer
    }
}

/// Where the token-redemption service listens and which address its URLs name.
public struct GrantServerOptions: Sendable {
    /// Serve grants at all.
    public var enabled: Bool
    /// The address to bind (all interfaces by default).
    public var bindHost: String
    /// The port (Skupper v2's grant server default, clear of the router's 5671/55671/45671).
    public var port: Int
    /// How many ports after `port` may be taken instead when it is in use (another namespace's agent on this host
    /// has it), as router ports are; 0 when the port was given explicitly.
    public var portSearch: Int
    /// The host name or address put in grant URLs and link endpoints; default: this machine's first
    /// non-loopback address, else 127.0.0.1.
    public var advertisedHost: String?
    /// Connections it serves at once, in all and per address and network (skupperd sizes them from its descriptor limit).
    public var connections = DescriptorBudget.usual.grantServer

    public static let defaultPort = 9090
    /// How many ports after the default one an agent may take (one per namespace on a host).
    public static let defaultPortSearch = 100

    public init(enabled: Bool = true, bindHost: String = "0.0.0.0", port: Int = defaultPort, portSearch: Int = 0, advertisedHost: String? = nil) {
        self.enabled = enabled
        self.bindHost = bindHost
        self.port = port
        self.portSearch = portSearch
        self.advertisedHost = advertisedHost
    }
}
