import RouterEntities
import RouterManagement

/// The network as the records describe it: each site with its router, links (and the sites they reach) and
/// services, and this site's own links by name. Parents are resolved by kind (LINK -> ROUTER -> SITE; a LINK's peer
/// -> a ROUTER_ACCESS -> its ROUTER -> its SITE), never by following a chain, so no record can make it loop.
public struct NetworkView: Sendable, Hashable {
    /// Every site, by site id.
    public var sites: [NetworkSite] = []
    /// This site's links, by the name of the router's connector (the Link's name).
    public var ownLinks: [String: LinkConnection] = [:]
    /// Whether this site's own router is among the sources heard (until then its links are not known from records).
    public var hasOwnRouter = false

    public init() {}

    /// The view of `records`; `ownSiteId` marks this site.
    public init(records: [String: FlowRecord], ownSiteId: String?) {
        var sitesById: [String: FlowRecord] = [:]
        var routersBySite: [String: [FlowRecord]] = [:]
        var children: [String: [FlowRecord]] = [:]
        for record in records.values {
            switch record.type {
            case .site: sitesById[record.identity] = record
            case .router: if let parent = record.parent { routersBySite[parent, default: []].append(record) }
            case .link, .listener, .connector, .routerAccess: if let parent = record.parent { children[parent, default: []].append(record) }
            case .transportFlow: break
            }
        }
        // Which site each access point belongs to, for the links that reached it.
        var accessSite: [String: String] = [:]
        for (siteId, routers) in routersBySite where sitesById[siteId] != nil {
            for router in routers {
                for child in children[router.identity] ?? [] where child.type == .routerAccess { accessSite[child.identity] = siteId }
            }
        }
        func siteName(_ id: String) -> String {
            NetworkSite.siteName(fromRouterId: Self.routerName(sitesById[id]?.name ?? ""))
        }
        for (siteId, site) in sitesById {
            let routers = (routersBySite[siteId] ?? []).sorted { $0.identity < $1.identity }
            var links: [NetworkLink] = []
            var listeners: [String: [String]] = [:]
            var connectors: [String: [String]] = [:]
            for router in routers {
                for child in children[router.identity] ?? [] {
                    switch child.type {
                    case .link:
                        guard let name = child.name else { continue }
                        let remote = child.peer.flatMap { accessSite[$0] }
                        let operational = child.operStatus == "up"
                        if let remote {
                            links.append(NetworkLink(name: name, remoteSiteId: remote, remoteSiteName: siteName(remote), operational: operational))
                        }
                        if siteId == ownSiteId {
                            hasOwnRouter = true
                            let failure = [child.result, child.reason].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                            ownLinks[name] = LinkConnection(
                                status: operational ? "SUCCESS" : (failure.isEmpty ? "CONNECTING" : "FAILED"), message: operational ? "" : failure,
                                remoteSiteId: operational ? remote : nil, remoteSiteName: operational ? remote.map(siteName) : nil,
                                tlsOrdinal: operational ? child.activeTLSOrdinal : nil)
                        }
                    case .listener:
                        if let address = child.address, !address.isEmpty { listeners[address, default: []].append(Self.listenerName(child.name ?? "")) }
                    case .connector:
                        if let address = child.address, !address.isEmpty { connectors[address, default: []].append(child.destinationHost ?? "") }
                    default: break
                    }
                }
            }
            if siteId == ownSiteId, !routers.isEmpty { hasOwnRouter = true }
            let router = routers.first
            let services = Set(listeners.keys).union(connectors.keys).sorted().map {
                NetworkService(routingKey: $0, listeners: (listeners[$0] ?? []).sorted(), connectors: (connectors[$0] ?? []).sorted())
            }
            sites.append(
                NetworkSite(
                    routerId: Self.routerName(router?.name ?? site.name ?? ""), siteId: siteId, name: siteName(siteId), mode: router?.mode ?? "",
                    platform: site.platform ?? "", version: site.version ?? router?.version ?? "", namespace: site.namespace ?? "",
                    listenerAddresses: Set(listeners.keys), connectorAddresses: Set(connectors.keys),
                    links: links.sorted { ($0.name, $0.remoteSiteId) < ($1.name, $1.remoteSiteId) }, services: services))
        }
        sites.sort { $0.siteId < $1.siteId }
    }

    /// A router record's name without its area (`0/west-123` -> `west-123`).
    static func routerName(_ name: String) -> String {
        guard let slash = name.firstIndex(of: "/") else { return name }
        return String(name[name.index(after: slash)...])
    }

    /// A tcpListener's name as the Listener resource's (`listener/backend` -> `backend`).
    static func listenerName(_ name: String) -> String {
        name.hasPrefix("listener/") ? String(name.dropFirst("listener/".count)) : name
    }
}
