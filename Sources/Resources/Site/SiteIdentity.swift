/// What stays fixed for a site across restarts: its id, the router's id, and the ports chosen for generated access.
public struct SiteIdentity: Sendable, Hashable, Codable {
    /// The site id (a UUID) carried in the router metadata.
    public var siteId: String
    /// The router id, `<site>-<unix seconds>-<nanoseconds>` as Skupper v2 names it.
    public var routerId: String
    /// Port of the local management listener (`skupper-local-normal`).
    public var localPort: Int
    /// Ports of the inter-router and edge listeners that `linkAccess` creates.
    public var interRouterPort: Int
    public var edgePort: Int
    /// Host names and addresses of this machine, used as default certificate SANs for link access.
    public var hosts: [String]

    public init(siteId: String, routerId: String, localPort: Int = 5671, interRouterPort: Int = 55671, edgePort: Int = 45671, hosts: [String] = []) {
        self.siteId = siteId
        self.routerId = routerId
        self.localPort = localPort
        self.interRouterPort = interRouterPort
        self.edgePort = edgePort
        self.hosts = hosts
    }
}
