import FlowRecords
import RouterManagement

/// The records looked up the ways the console's views need: each router's site, each site's name, each access point's
/// router, each listener's routing key. Made once per snapshot; parents are resolved by kind, never by following a
/// chain, so no record can make a lookup loop.
struct NetworkIndex: Sendable {
    let records: [String: FlowRecord]
    private(set) var sites: [FlowRecord] = []
    private(set) var routers: [FlowRecord] = []
    private(set) var links: [FlowRecord] = []
    private(set) var accessPoints: [FlowRecord] = []
    private(set) var listeners: [FlowRecord] = []
    private(set) var connectors: [FlowRecord] = []
    private(set) var routersBySite: [String: [FlowRecord]] = [:]

    init(records: [String: FlowRecord]) {
        self.records = records
        for record in records.values {
            switch record.type {
            case .site: sites.append(record)
            case .router:
                routers.append(record)
                if let parent = record.parent { routersBySite[parent, default: []].append(record) }
            case .link: links.append(record)
            case .routerAccess: accessPoints.append(record)
            case .listener: listeners.append(record)
            case .connector: connectors.append(record)
            case .transportFlow: break
            }
        }
        for list in [\NetworkIndex.sites, \.routers, \.links, \.accessPoints, \.listeners, \.connectors] {
            self[keyPath: list].sort { $0.identity < $1.identity }
        }
    }

    /// The router a record of a router (a link, listener, connector, access point) belongs to.
    func router(of record: FlowRecord) -> FlowRecord? {
        guard let parent = record.parent, let router = records[parent], router.type == .router else { return nil }
        return router
    }

    /// The site a router belongs to.
    func site(ofRouter router: FlowRecord?) -> FlowRecord? {
        guard let parent = router?.parent, let site = records[parent], site.type == .site else { return nil }
        return site
    }

    /// The site of a router's record (through its router).
    func site(of record: FlowRecord) -> FlowRecord? { site(ofRouter: router(of: record)) }

    /// The site whose router has this source prefix (`abcde` -> the parent of ROUTER `abcde:0`).
    func site(ofSource source: String) -> FlowRecord? { site(ofRouter: records["\(source):0"]) }

    /// A site's name as a user knows it: its SITE record names it as its router is named, the site's name and a
    /// generated suffix of digits.
    func name(ofSite site: FlowRecord?) -> String { Self.siteName(site) }

    static func siteName(_ site: FlowRecord?) -> String {
        var name = site?.name ?? ""
        if let slash = name.firstIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
        return NetworkSite.siteName(fromRouterId: name)
    }

    /// A router's name without its area (`0/west-abc` -> `west-abc`).
    static func routerName(_ router: FlowRecord?) -> String {
        let name = router?.name ?? ""
        guard let slash = name.firstIndex(of: "/") else { return name }
        return String(name[name.index(after: slash)...])
    }

    /// The access point a link reached, and its router.
    func peer(of link: FlowRecord) -> (access: FlowRecord, router: FlowRecord?)? {
        guard let peer = link.peer, let access = records[peer], access.type == .routerAccess else { return nil }
        return (access, router(of: access))
    }

    /// The site platforms the observer names (`sitePlatformType`).
    static func platform(_ text: String?) -> String {
        switch text ?? "" {
        case "kubernetes", "podman", "docker", "linux": text ?? "unknown"
        case "systemd", "process": "linux"
        default: "unknown"
        }
    }
}
