/// What the router says about its links, its listeners and the network, as of one poll.
public struct RouterObservation: Sendable, Hashable {
    /// Why the router could not be asked (not running, refused the connection, did not answer); nil when it answered.
    public var unreachable: String?
    /// Each link's connection, by the name of the router's `connector` entity (the Link's name).
    public var links: [String: LinkConnection] = [:]
    /// The names of the router's tcpListeners that are up (a matching connector exists somewhere in the network).
    public var listenersUp: Set<String> = []
    /// The router's words for each tcpListener that cannot listen (its port taken, its address not this host's).
    public var listenerErrors: [String: String] = [:]
    /// The sites of the network as the routers report them (this one included); nil when not known.
    public var network: [NetworkSite]?

    public init(unreachable: String? = nil) { self.unreachable = unreachable }

    public var isReachable: Bool { unreachable == nil }

    /// What differs from `old`, for the statuses that follow it; nil when everything may (the router became reachable
    /// or not, or a site joined or left the network).
    public func changes(from old: RouterObservation?) -> Changes? {
        guard let old, old.isReachable == isReachable, Set((old.network ?? []).map(\.routerId)) == Set((network ?? []).map(\.routerId)) else {
            return nil
        }
        var changes = Changes()
        for name in listenersUp.symmetricDifference(old.listenersUp) { changes.listeners.insert(name) }
        for name in Set(listenerErrors.keys).union(old.listenerErrors.keys) where listenerErrors[name] != old.listenerErrors[name] {
            changes.listeners.insert(name)
        }
        for name in Set(links.keys).union(old.links.keys) where links[name] != old.links[name] { changes.links.insert(name) }
        let addresses = { (sites: [NetworkSite]?, key: KeyPath<NetworkSite, Set<String>>) in
            (sites ?? []).reduce(into: Set<String>()) { $0.formUnion($1[keyPath: key]) }
        }
        changes.listenerKeys = addresses(network, \.listenerAddresses).symmetricDifference(addresses(old.network, \.listenerAddresses))
        changes.connectorKeys = addresses(network, \.connectorAddresses).symmetricDifference(addresses(old.network, \.connectorAddresses))
        changes.sites = network != old.network
        return changes
    }

    /// What changed between two observations.
    public struct Changes: Sendable, Hashable {
        /// tcpListeners whose state changed (up, or why they cannot listen).
        public var listeners: Set<String> = []
        /// Links (router connectors) whose connection changed.
        public var links: Set<String> = []
        /// Routing keys that gained or lost listeners, or connectors, in the network.
        public var listenerKeys: Set<String> = []
        public var connectorKeys: Set<String> = []
        /// Whether anything of the network's sites changed (their services among it).
        public var sites = false
    }

    /// Whether some site of the network has a tcpListener (or a multi-address one's listenerAddress) for `routingKey`.
    public func networkHasListener(routingKey: String) -> Bool? {
        network.map { $0.contains { $0.listenerAddresses.contains(routingKey) } }
    }

    /// Whether some site of the network has a tcpConnector for `routingKey`.
    public func networkHasConnector(routingKey: String) -> Bool? {
        network.map { $0.contains { $0.connectorAddresses.contains(routingKey) } }
    }
}

/// One link's connection as the router's `connector` entity reports it.
public struct LinkConnection: Sendable, Hashable {
    /// `SUCCESS`, `FAILED`, `CONNECTING`, ...
    public var status: String
    /// The router's own words about the last attempt ("certificate verify failed", "Connection refused", ...).
    public var message: String
    /// The site the link reached (from the flow records), when known.
    public var remoteSiteId: String?
    public var remoteSiteName: String?
    /// The revision of the link's sslProfile credentials its connection uses (the LINK record's `activeTlsOrdinal`).
    public var tlsOrdinal: UInt64?

    public init(status: String, message: String, remoteSiteId: String? = nil, remoteSiteName: String? = nil, tlsOrdinal: UInt64? = nil) {
        self.status = status
        self.message = message
        self.remoteSiteId = remoteSiteId
        self.remoteSiteName = remoteSiteName
        self.tlsOrdinal = tlsOrdinal
    }

    public var isUp: Bool { status == "SUCCESS" }
}

/// A site of the network: one router, interior or edge.
public struct NetworkSite: Sendable, Hashable {
    public var routerId: String
    /// The site id from the router's metadata (empty when the router has none).
    public var siteId: String
    public var name: String
    public var mode: String
    public var platform: String
    public var version: String
    public var namespace: String
    public var listenerAddresses: Set<String>
    public var connectorAddresses: Set<String>
    /// The site's links to other sites, by name.
    public var links: [NetworkLink]
    /// The site's services, by routing key: its listeners' names and its connectors' hosts.
    public var services: [NetworkService]

    public init(
        routerId: String, siteId: String, name: String, mode: String, platform: String, version: String, namespace: String = "",
        listenerAddresses: Set<String>, connectorAddresses: Set<String>, links: [NetworkLink] = [], services: [NetworkService] = []
    ) {
        self.routerId = routerId
        self.siteId = siteId
        self.name = name
        self.mode = mode
        self.platform = platform
        self.version = version
        self.namespace = namespace
        self.listenerAddresses = listenerAddresses
        self.connectorAddresses = connectorAddresses
        self.links = links
        self.services = services
    }

    /// The site name in a router id: Skupper's non-Kubernetes router ids are the site name, the seconds and the
    /// nanoseconds it was made at; a site's own name may end in digits too (`edge-1`), so two parts at most go.
    public static func siteName(fromRouterId id: String) -> String {
        var parts = id.split(separator: "-", omittingEmptySubsequences: false)
        var removed = 0
        while removed < 2, parts.count > 1, let last = parts.last, !last.isEmpty, last.allSatisfy(\.isNumber) {
            parts.removeLast()
            removed += 1
        }
        return parts.joined(separator: "-")
    }
}

/// One link of a site, as v2's Site status lists it.
public struct NetworkLink: Sendable, Hashable {
    public var name: String
    public var remoteSiteId: String
    public var remoteSiteName: String
    public var operational: Bool

    public init(name: String, remoteSiteId: String, remoteSiteName: String, operational: Bool) {
        self.name = name
        self.remoteSiteId = remoteSiteId
        self.remoteSiteName = remoteSiteName
        self.operational = operational
    }
}

/// One routing key at a site: its listeners' names and its connectors' hosts.
public struct NetworkService: Sendable, Hashable {
    public var routingKey: String
    public var listeners: [String]
    public var connectors: [String]

    public init(routingKey: String, listeners: [String], connectors: [String]) {
        self.routingKey = routingKey
        self.listeners = listeners
        self.connectors = connectors
    }
}
