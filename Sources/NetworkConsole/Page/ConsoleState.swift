import FlowRecords
import RouterEntities

/// The document the console's page polls (`api/console/state`): the agent, every site with its links, listeners and
/// connectors, every service with where its ends are and its traffic, and the most recent connections.
enum ConsoleState {
    /// The page lists at most this many connections (the most recent); the API pages through all of them.
    static let connectionsShown = 200

    static func json(snapshot: FlowSnapshot, overview: AgentOverview, version: String, now: UInt64) -> String {
        let index = NetworkIndex(records: snapshot.records)
        let log = snapshot.connections
        return JSONValue.object([
            ("version", .string(version)), ("now", .number(now)), ("agent", agent(overview)), ("sites", .array(sites(index, ownSiteId: overview.siteId))),
            ("services", .array(services(index, log))), ("connections", .array(connections(index, log))),
            ("connectionsHeld", .int(log.connections.count)),
        ]).compact()
    }

    static func agent(_ overview: AgentOverview) -> JSONValue {
        .object([
            ("namespace", .string(overview.namespace)), ("siteName", .string(overview.siteName)), ("siteId", .string(overview.siteId)),
            ("platform", .string(overview.platform)), ("version", .string(overview.version)), ("ready", .bool(overview.ready)),
            ("router", .object([("state", .string(overview.routerState)), ("message", .string(overview.routerMessage))])),
            (
                "resources",
                .array(
                    overview.resources.map {
                        .object([("kind", .string($0.kind)), ("name", .string($0.name)), ("status", .string($0.status)), ("message", .string($0.message))])
                    })
            ),
            ("inputErrors", .array(overview.inputErrors.map { .object([("file", .string($0.file)), ("message", .string($0.message))]) })),
        ])
    }

    static func sites(_ index: NetworkIndex, ownSiteId: String) -> [JSONValue] {
        var children: [String: [FlowRecord]] = [:]
        for record in index.links + index.listeners + index.connectors {
            if let router = index.router(of: record), let site = router.parent { children[site, default: []].append(record) }
        }
        return index.sites.map { site in
            let mine = children[site.identity] ?? []
            let router = index.routersBySite[site.identity]?.min { $0.identity < $1.identity }
            let links = mine.filter { $0.type == .link }.map { link -> JSONValue in
                let remote = index.site(ofRouter: index.peer(of: link)?.router)
                return .object([
                    ("name", .string(link.name ?? "")), ("remoteSiteId", .string(remote?.identity ?? "")),
                    ("remoteSiteName", .string(index.name(ofSite: remote))),
                    ("status", .string(link.operStatus == "up" ? "up" : "down")), ("cost", link.linkCost.map { .int(Int(clamping: $0)) } ?? .null),
                ])
            }
            func end(_ record: FlowRecord) -> JSONValue {
                .object([
                    ("name", .string(record.name ?? "")), ("routingKey", .string(record.address ?? "")), ("host", .string(record.destinationHost ?? "")),
                    ("port", .string(record.destinationPort ?? "")),
                ])
            }
            return .object([
                ("id", .string(site.identity)), ("name", .string(index.name(ofSite: site))), ("platform", .string(site.platform ?? "")),
                ("version", .string(site.version ?? router?.version ?? "")), ("mode", .string(router?.mode ?? "")),
                ("namespace", .string(site.namespace ?? "")), ("local", .bool(site.identity == ownSiteId)),
                ("routers", .int(index.routersBySite[site.identity]?.count ?? 0)), ("links", .array(links)),
                ("listeners", .array(mine.filter { $0.type == .listener }.map(end))), ("connectors", .array(mine.filter { $0.type == .connector }.map(end))),
            ])
        }
    }

    static func services(_ index: NetworkIndex, _ log: ConnectionLog) -> [JSONValue] {
        var ends: [String: (listeners: [JSONValue], connectors: [JSONValue], protocol: String)] = [:]
        for record in index.listeners + index.connectors {
            guard let key = record.address, !key.isEmpty else { continue }
            let site = index.site(of: record)
            let end = JSONValue.object([
                ("siteId", .string(site?.identity ?? "")), ("siteName", .string(index.name(ofSite: site))), ("name", .string(record.name ?? "")),
                ("host", .string(record.destinationHost ?? "")), ("port", .string(record.destinationPort ?? "")),
            ])
            var entry = ends[key] ?? ([], [], record.protocol ?? "tcp")
            if record.type == .listener { entry.listeners.append(end) } else { entry.connectors.append(end) }
            ends[key] = entry
        }
        let open = log.openConnections()
        let counters = log.services()
        return ends.keys.sorted().map { key in
            let entry = ends[key]!
            let traffic = counters[key] ?? ConnectionLog.Counters()
            let history = (log.history[key] ?? []).map { JSONValue.object([("t", .number($0.start)), ("octets", .number($0.octets))]) }
            return .object([
                ("routingKey", .string(key)), ("protocol", .string(entry.protocol)),
                ("matched", .bool(!entry.listeners.isEmpty && !entry.connectors.isEmpty)), ("listeners", .array(entry.listeners)),
                ("connectors", .array(entry.connectors)), ("openConnections", .int(open[key] ?? 0)), ("totalConnections", .number(traffic.opened)),
                ("octets", .number(traffic.octets)), ("octetsReverse", .number(traffic.octetsReverse)), ("history", .array(history)),
            ])
        }
    }

    static func connections(_ index: NetworkIndex, _ log: ConnectionLog) -> [JSONValue] {
        let all = Array(log.connections.values)
        let recent = Ordering.first(connectionsShown, of: all.count) { a, b in
            let x = all[a].record, y = all[b].record
            return ((x.startTime ?? 0), x.identity) > ((y.startTime ?? 0), y.identity)
        }
        return recent.map { all[$0] }.map { connection in
            let record = connection.record
            let connector = record.connector.flatMap { index.records[$0] }
            let sourceSite = record.parent.flatMap { index.records[$0] }.flatMap(index.site(of:))
            let destSite = connector.flatMap(index.site(of:))
            return .object([
                ("id", .string(record.identity)), ("routingKey", .string(connection.routingKey)), ("sourceHost", .string(record.sourceHost ?? "")),
                ("sourcePort", .string(record.sourcePort ?? "")), ("destHost", .string(connector?.destinationHost ?? "")),
                ("destPort", .string(connector?.destinationPort ?? "")), ("sourceSiteId", .string(sourceSite?.identity ?? "")),
                ("sourceSiteName", .string(index.name(ofSite: sourceSite))), ("destSiteId", .string(destSite?.identity ?? "")),
                ("destSiteName", .string(index.name(ofSite: destSite))), ("octets", .number(record.octets)), ("octetsReverse", .number(record.octetsReverse)),
                ("latency", .number(record.latency)), ("startTime", .number(record.startTime)),
                ("endTime", .number(record.hasEnded ? record.endTime : 0)), ("open", .bool(connection.isOpen)),
            ])
        }
    }
}
