/// Typed readings of the kind-specific status fields the agent writes and the CLI reads: one list of field
/// names, so neither side spells them by hand.
public enum StatusKey {
    public static let url = "url"
    public static let ca = "ca"
    public static let code = "code"
    public static let redemptions = "redemptions"
    public static let redeemed = "redeemed"
    public static let hasMatchingConnector = "hasMatchingConnector"
    public static let hasMatchingListener = "hasMatchingListener"
    public static let sitesInNetwork = "sitesInNetwork"
    public static let endpoints = "endpoints"
    public static let hasDestination = "hasDestination"
    public static let strategy = "strategy"
    public static let routingKeysReachable = "routingKeysReachable"
    public static let expiration = "expiration"
    public static let remoteSiteId = "remoteSiteId"
    public static let remoteSiteName = "remoteSiteName"
}

/// Reasons (of the Ready condition) that programs act on.
public enum StatusReason {
    /// A grant cannot be served because the site does not accept links.
    public static let linkAccessDisabled = "LinkAccessDisabled"
    /// The kind does nothing on a site outside Kubernetes (SecuredAccess).
    public static let notSupported = "NotSupported"
}

/// An AccessGrant's status: what a token is made of.
public struct AccessGrantStatusView: Sendable, Hashable {
    public var url: String?
    public var ca: String?
    public var code: String?
    /// Whether the grant fails only because the site does not accept links.
    public var linkAccessDisabled: Bool

    public init(_ status: ResourceStatus) {
        url = status.field(StatusKey.url)?.text
        ca = status.field(StatusKey.ca)?.text
        code = status.field(StatusKey.code)?.text
        linkAccessDisabled = status.reason == StatusReason.linkAccessDisabled
    }

    /// The token fields, when the grant has all three.
    public var token: (url: String, ca: String, code: String)? {
        guard let url, let ca, let code, !url.isEmpty, !ca.isEmpty, !code.isEmpty else { return nil }
        return (url, ca, code)
    }
}

/// An AccessToken's status.
public struct AccessTokenStatusView: Sendable, Hashable {
    public var redeemed: Bool
    public init(_ status: ResourceStatus) { redeemed = status.field(StatusKey.redeemed) == .bool(true) }
}

/// A Listener's or Connector's status: whether the other end of its routing key exists.
public struct ServiceStatusView: Sendable, Hashable {
    public var hasMatch: Bool
    public init(_ status: ResourceStatus, kind: ResourceKind) {
        let key = kind == .listener ? StatusKey.hasMatchingConnector : StatusKey.hasMatchingListener
        hasMatch = status.field(key) == .bool(true)
    }
}

/// A MultiKeyListener's status: whether some routing key of its strategy has a reachable connector, and which.
public struct MultiKeyListenerStatusView: Sendable, Hashable {
    public var hasDestination: Bool
    /// The reachable routing keys: in priority order, or by name for weights.
    public var routingKeysReachable: [String]

    public init(_ status: ResourceStatus) {
        hasDestination = status.field(StatusKey.hasDestination) == .bool(true)
        let strategy = status.field(StatusKey.strategy)
        switch strategy?["priority"]?[StatusKey.routingKeysReachable] ?? strategy?["weighted"]?[StatusKey.routingKeysReachable] {
        case .list(let keys)?: routingKeysReachable = keys.compactMap(\.text)
        case .map(let weights)?: routingKeysReachable = weights.map(\.key)
        default: routingKeysReachable = []
        }
    }
}

/// A Site's status.
public struct SiteStatusView: Sendable, Hashable {
    public var sitesInNetwork: Int?
    public init(_ status: ResourceStatus) {
        sitesInNetwork = status.field(StatusKey.sitesInNetwork)?.text.flatMap { Int($0) }
    }
}

/// The endpoints a Site or RouterAccess status lists: where other sites link to.
public struct EndpointsStatusView: Sendable, Hashable {
    public struct Endpoint: Sendable, Hashable {
        public var name: String
        public var host: String
        public var port: String
        public var group: String?
    }

    public var endpoints: [Endpoint]

    public init(_ status: ResourceStatus) {
        guard case .list(let items)? = status.field(StatusKey.endpoints) else {
            endpoints = []
            return
        }
        endpoints = items.compactMap { item in
            guard case .map(let fields) = item else { return nil }
            func text(_ key: String) -> String? { fields.first { $0.key == key }?.value.text }
            guard let name = text("name"), let host = text("host"), let port = text("port") else { return nil }
            return Endpoint(name: name, host: host, port: port, group: text("group"))
        }
    }
}
