import Foundation
import Yams

/// The network as `skupper network status` shows it, built as Skupper v2 builds its site records
/// (internal/network/network.go, ExtractSiteRecords): links resolved through the access point they reached, services
/// from the listeners and connectors of each site's routers.
struct NetworkOverview {
    /// One site of the network.
    struct Site {
        var id: String
        var name: String
        var namespace: String
        var platform: String
        var version: String
        var routers: [Router]
        /// The routing keys of the site's listeners (with the listener's name) and connectors (with host and port).
        var listeners: [(routingKey: String, name: String, protocol: String)]
        var connectors: [(routingKey: String, host: String, port: String)]
    }

    /// A router of a site, for `--verbose`.
    struct Router {
        var name: String
        var mode: String
        var hostname: String
        var imageName: String
        var imageVersion: String
    }

    /// A link from one site to another.
    struct Link {
        var name: String
        var fromSiteId: String
        var toSiteId: String
        var status: String
        var role: String
        var cost: UInt64?
        var operational: Bool
    }

    /// A routing key, its protocol and whether the network has both a listener and a connector for it.
    struct Service {
        var routingKey: String
        var `protocol`: String
        var matched: Bool
    }

    var sites: [Site]
    var links: [Link]
    var services: [Service]
    var localSiteId: String?

    init(_ info: NetworkStatusInfo, localSiteId: String?) {
        self.localSiteId = localSiteId
        let statuses = info.siteStatus ?? []
        var accessSite: [String: String] = [:]
        for status in statuses {
            for router in status.routerStatus ?? [] {
                for access in router.routerAccess ?? [] {
                    if let identity = access.identity, !identity.isEmpty { accessSite[identity] = status.site?.identity ?? "" }
                }
            }
        }
        var sites: [Site] = [], links: [Link] = []
        for status in statuses {
            let info = status.site
            let id = info?.identity ?? ""
            var site = Site(
                id: id, name: Self.siteName(info?.name ?? ""), namespace: info?.namespace ?? "", platform: info?.platform ?? "",
                version: info?.siteVersion ?? "", routers: [], listeners: [], connectors: [])
            for router in status.routerStatus ?? [] {
                let details = router.router
                site.routers.append(
                    Router(
                        name: Self.routerName(details?.name ?? ""), mode: details?.mode ?? "", hostname: details?.hostname ?? "",
                        imageName: details?.imageName ?? "", imageVersion: details?.imageVersion ?? ""))
                for link in router.links ?? [] {
                    // As v2: a link counts once it names the access point it reached, and a site's own routers are one site.
                    guard let name = link.name, !name.isEmpty, let peer = link.peer, let remote = accessSite[peer], remote != id else { continue }
                    links.append(
                        Link(
                            name: name, fromSiteId: id, toSiteId: remote, status: link.status ?? "", role: link.role ?? "", cost: link.linkCost,
                            operational: link.status?.lowercased() == "up"))
                }
                for listener in router.listeners ?? [] {
                    guard let address = listener.address, !address.isEmpty, let name = listener.name, !name.isEmpty else { continue }
                    site.listeners.append((address, Self.listenerName(name), listener.protocol ?? ""))
                }
                for connector in router.connectors ?? [] {
                    guard let address = connector.address, !address.isEmpty, let host = connector.destHost, !host.isEmpty else { continue }
                    site.connectors.append((address, host, connector.destPort ?? ""))
                }
            }
            sites.append(site)
        }
        // This site first, then by name.
        self.sites = sites.sorted { a, b in
            let (aLocal, bLocal) = (a.id == localSiteId, b.id == localSiteId)
            if aLocal != bLocal { return aLocal }
            return (a.name, a.id) < (b.name, b.id)
        }
        var counted: [String: (protocol: String, listeners: Int, connectors: Int)] = [:]
        for address in info.addresses ?? [] {
            guard let name = address.name, !name.isEmpty else { continue }
            counted[name] = (address.protocol ?? "", address.listenerCount ?? 0, address.connectorCount ?? 0)
        }
        var keys = Set(counted.keys)
        for site in sites {
            keys.formUnion(site.listeners.map(\.routingKey))
            keys.formUnion(site.connectors.map(\.routingKey))
        }
        // The protocol of a key without connectors is its listeners' (the addresses take it from connectors).
        var listenerProtocol: [String: String] = [:]
        for site in sites { for listener in site.listeners where !listener.protocol.isEmpty { listenerProtocol[listener.routingKey] = listener.protocol } }
        services = keys.sorted().map { key in
            if let entry = counted[key] {
                let proto = entry.protocol.isEmpty ? listenerProtocol[key] ?? "" : entry.protocol
                return Service(routingKey: key, protocol: proto, matched: entry.listeners > 0 && entry.connectors > 0)
            }
            let listened = sites.contains { $0.listeners.contains { $0.routingKey == key } }
            let connected = sites.contains { $0.connectors.contains { $0.routingKey == key } }
            return Service(routingKey: key, protocol: listenerProtocol[key] ?? "", matched: listened && connected)
        }
        // Links in the order of the sites they come from and go to.
        let order = Dictionary(self.sites.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.links = links.sorted { a, b in
            let (aFrom, bFrom) = (order[a.fromSiteId] ?? Int.max, order[b.fromSiteId] ?? Int.max)
            if aFrom != bFrom { return aFrom < bFrom }
            let (aTo, bTo) = (order[a.toSiteId] ?? Int.max, order[b.toSiteId] ?? Int.max)
            return aTo != bTo ? aTo < bTo : a.name < b.name
        }
    }

    /// The site name in a SITE record's name: a router id (`west-1700000000-123456789`, the site name, the Unix
    /// seconds and nanoseconds, as v2's nonkube sites and the agent make it) without its two numbers.
    static func siteName(_ name: String) -> String {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count > 2, parts.suffix(2).allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return name }
        return parts.dropLast(2).joined(separator: "-")
    }

    /// A router record's name without its area (`0/west-1700000000-1` -> `west-1700000000-1`).
    static func routerName(_ name: String) -> String {
        guard let slash = name.firstIndex(of: "/") else { return name }
        return String(name[name.index(after: slash)...])
    }

    /// A tcpListener's name as the Listener resource's (`listener/backend` -> `backend`).
    static func listenerName(_ name: String) -> String {
        name.hasPrefix("listener/") ? String(name.dropFirst("listener/".count)) : name
    }

    /// The network as seen from the sites named `site` (by name or id): those sites, their links, their services.
    func filtered(site: String) -> NetworkOverview {
        var copy = self
        copy.sitesBeforeFilter = allSites
        copy.sites = sites.filter { $0.name == site || $0.id == site }
        let ids = Set(copy.sites.map(\.id))
        copy.links = links.filter { ids.contains($0.fromSiteId) || ids.contains($0.toSiteId) }
        let keys = Set(copy.sites.flatMap { $0.listeners.map(\.routingKey) + $0.connectors.map(\.routingKey) })
        copy.services = services.filter { keys.contains($0.routingKey) }
        return copy
    }

    /// Each site's name for a table (its id when it has none), by site id.
    func displayNames() -> [String: String] {
        var names: [String: String] = [:]
        for site in allSites where names[site.id] == nil { names[site.id] = TerminalText.cell(site.name.isEmpty ? site.id : site.name) }
        return names
    }

    /// The sites before any filter (links and services name sites outside it).
    var allSites: [Site] { sitesBeforeFilter ?? sites }
    private var sitesBeforeFilter: [Site]? = nil

    /// The tables: sites, links, services (and with `verbose`, routers and the links' roles).
    func text(verbose: Bool) -> String {
        guard !sites.isEmpty else { return "Status pending...\n" }
        let names = displayNames()
        func displayName(_ id: String) -> String { names[id] ?? TerminalText.cell(id) }
        var out = "Sites:\n"
        var table = Table("NAME", "ID", "NAMESPACE", "PLATFORM", "VERSION", "LOCATION")
        for site in sites {
            let location = localSiteId == nil ? "-" : site.id == localSiteId ? "local" : "remote"
            table.rows.append([
                TerminalText.cell(site.name), TerminalText.cell(site.id), TerminalText.cell(site.namespace), TerminalText.cell(site.platform),
                TerminalText.cell(site.version), location,
            ])
        }
        out += table.text
        if verbose {
            var routers = Table("SITE", "NAME", "MODE", "HOSTNAME", "IMAGE NAME", "IMAGE VERSION")
            for site in sites {
                for router in site.routers {
                    routers.rows.append([
                        displayName(site.id), TerminalText.cell(router.name), TerminalText.cell(router.mode), TerminalText.cell(router.hostname),
                        TerminalText.cell(router.imageName), TerminalText.cell(router.imageVersion),
                    ])
                }
            }
            out += "\nRouters:\n" + (routers.rows.isEmpty ? "There are no routers in the network status\n" : routers.text)
        }
        out += "\nLinks:\n"
        if links.isEmpty {
            out += "There are no links between the sites\n"
        } else {
            var table = verbose ? Table("FROM", "TO", "NAME", "STATUS", "COST", "ROLE") : Table("FROM", "TO", "NAME", "STATUS", "COST")
            for link in links {
                var row = [
                    displayName(link.fromSiteId), displayName(link.toSiteId), TerminalText.cell(link.name), TerminalText.cell(link.status),
                    link.cost.map { String($0) } ?? "-",
                ]
                if verbose { row.append(TerminalText.cell(link.role)) }
                table.rows.append(row)
            }
            out += table.text
        }
        out += "\nServices exposed through Skupper:\n"
        if services.isEmpty {
            out += "No services defined\n"
        } else {
            // Where each routing key is listened on and connected to, in the whole network (also outside --site).
            var listeners: [String: [String]] = [:], connectors: [String: [String]] = [:]
            for site in allSites {
                let siteName = displayName(site.id)
                for listener in site.listeners { listeners[listener.routingKey, default: []].append("\(TerminalText.safe(listener.name)) (\(siteName))") }
                for connector in site.connectors {
                    let port = connector.port.isEmpty ? "" : ":" + TerminalText.safe(connector.port)
                    connectors[connector.routingKey, default: []].append("\(TerminalText.safe(connector.host))\(port) (\(siteName))")
                }
            }
            var table = Table("ROUTING-KEY", "PROTOCOL", "LISTENERS", "CONNECTORS", "MATCHED")
            for service in services {
                let listeners = listeners[service.routingKey] ?? [], connectors = connectors[service.routingKey] ?? []
                table.rows.append([
                    TerminalText.cell(service.routingKey), TerminalText.cell(service.protocol),
                    listeners.isEmpty ? "-" : listeners.sorted().joined(separator: ", "),
                    connectors.isEmpty ? "-" : connectors.sorted().joined(separator: ", "), service.matched ? "true" : "false",
                ])
            }
            out += table.text
        }
        return out
    }

    /// The sites as Skupper v2's `SiteRecord`s (what a v2 Site's status lists as its network), in YAML or JSON.
    func records(_ format: OutputFormat) -> String {
        // Quoted when a YAML reader would take it for another type (`true`, `123`, `2.0`).
        func string(_ text: String) -> Node { Node(text, Tag(.str), Node(text).tag.description == Tag.Name.str.rawValue ? .any : .doubleQuoted) }
        func map(_ pairs: [(String, Node)]) -> Node { .mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1) })) }
        let names = Dictionary(allSites.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let nodes: [Node] = sites.map { site in
            var pairs: [(String, Node)] = []
            for (key, value) in [("id", site.id), ("name", site.name), ("namespace", site.namespace), ("platform", site.platform), ("version", site.version)]
            where !value.isEmpty {
                pairs.append((key, string(value)))
            }
            let own = links.filter { $0.fromSiteId == site.id }
            if !own.isEmpty {
                pairs.append(
                    (
                        "links",
                        .sequence(
                            Node.Sequence(
                                own.map { link in
                                    let remote = names[link.toSiteId] ?? ""
                                    return map([
                                        ("name", string(link.name)), ("remoteSiteId", string(link.toSiteId)), ("remoteSiteName", string(remote)),
                                        ("operational", Node(link.operational ? "true" : "false", Tag(.bool))),
                                    ])
                                }))
                    ))
            }
            let keys = Set(site.listeners.map(\.routingKey) + site.connectors.map(\.routingKey)).sorted()
            if !keys.isEmpty {
                pairs.append(
                    (
                        "services",
                        .sequence(
                            Node.Sequence(
                                keys.map { key in
                                    var entry: [(String, Node)] = [("routingKey", string(key))]
                                    let connectors = site.connectors.filter { $0.routingKey == key }.map(\.host)
                                    let listeners = site.listeners.filter { $0.routingKey == key }.map(\.name)
                                    if !connectors.isEmpty { entry.append(("connectors", .sequence(Node.Sequence(connectors.map(string))))) }
                                    if !listeners.isEmpty { entry.append(("listeners", .sequence(Node.Sequence(listeners.map(string))))) }
                                    return map(entry)
                                }))
                    ))
            }
            return map(pairs)
        }
        let root = Node.sequence(Node.Sequence(nodes))
        switch format {
        case .yaml: return (try? Yams.serialize(node: root)) ?? "[]\n"
        case .json: return TerminalText.escapingUnsafe(json: Rendering.jsonText(root, indent: 0)) + "\n"
        }
    }
}
