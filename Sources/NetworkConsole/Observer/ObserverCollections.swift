import FlowRecords
import RouterEntities

/// The observer API's collections (network-observer's OpenAPI, `cmd/network-observer/spec/openapi.yaml`), each record
/// with the schema's fields in its order, made from the routers' records and the connections held.
enum ObserverCollection: String, Sendable, CaseIterable {
    case sites, routers, routerlinks, routeraccess, listeners, connectors, services, connections
    /// The older name of `services`.
    static let aliases = ["addresses": ObserverCollection.services]

    /// The schema's field names of the collection's records (what may be filtered and sorted on).
    var fields: Set<String> {
        let base: Set<String> = ["identity", "startTime", "endTime"]
        switch self {
        case .sites: return base.union(["provider", "platform", "name", "namespace", "version", "routerCount"])
        case .routers: return base.union(["siteId", "name", "mode", "namespace", "imageName", "imageVersion", "hostName", "buildVersion"])
        case .routerlinks:
            return base.union([
                "routerId", "routerName", "name", "cost", "role", "status", "octetCount", "octetReverseCount", "routerAccessId",
                "destinationRouterId", "destinationRouterName", "sourceSiteId", "sourceSiteName", "destinationSiteId", "destinationSiteName",
            ])
        case .routeraccess: return base.union(["routerId", "name", "linkCount", "role"])
        case .listeners: return base.union(["routerId", "name", "destHost", "destPort", "protocol", "routingKey", "serviceId", "siteId", "siteName"])
        case .connectors:
            return base.union([
                "routerId", "name", "destHost", "destPort", "protocol", "routingKey", "serviceId", "processId", "target", "siteId", "siteName",
            ])
        case .services:
            return base.union(["name", "protocol", "observedApplicationProtocols", "listenerCount", "connectorCount", "isBound", "hasListener"])
        case .connections:
            return base.union([
                "sourceSiteId", "sourceSiteName", "destSiteId", "destSiteName", "sourceProcessId", "sourceProcessName", "destProcessId",
                "destProcessName", "duration", "processPairId", "componentPairId", "sitePairId", "protocol", "routingKey", "listenerId",
                "connectorId", "sourceHost", "sourcePort", "destHost", "destPort", "proxyHost", "proxyPort", "octetCount",
                "octetReverseCount", "latency", "latencyReverse", "listenerError", "connectorError", "traceRouters", "traceSites",
            ])
        }
    }
}

/// Makes the rows of a collection of the records, and of one connection (the connections' collection is made one
/// connection at a time, as they change: `ObserverAPI`).
struct ObserverRows: Sendable {
    let index: NetworkIndex

    func rows(_ collection: ObserverCollection) -> [ObserverRow] {
        switch collection {
        case .sites: index.sites.map(site)
        case .routers: index.routers.map(router)
        case .routerlinks: index.links.map(link)
        case .routeraccess: index.accessPoints.map(access)
        case .listeners: index.listeners.map(listener)
        case .connectors: index.connectors.map(connector)
        case .services: services()
        case .connections: []
        }
    }

    private func base(_ record: FlowRecord) -> [(String, JSONValue)] {
        [("identity", .string(record.identity)), ("startTime", .number(record.startTime)), ("endTime", .number(record.hasEnded ? record.endTime : 0))]
    }

    func site(_ site: FlowRecord) -> ObserverRow {
        ObserverRow(
            base(site) + [
                ("provider", .string("")), ("platform", .string(NetworkIndex.platform(site.platform))), ("name", .string(index.name(ofSite: site))),
                ("namespace", .text(orNull: site.namespace)), ("version", .string(site.version ?? "")),
                ("routerCount", .int(index.routersBySite[site.identity]?.count ?? 0)),
            ])
    }

    func router(_ router: FlowRecord) -> ObserverRow {
        ObserverRow(
            base(router) + [
                ("siteId", .string(router.parent ?? "")), ("name", .string(NetworkIndex.routerName(router))), ("mode", .string(router.mode ?? "")),
                ("namespace", .string(router.namespace ?? "")), ("imageName", .string(router.imageName ?? "")),
                ("imageVersion", .string(router.imageVersion ?? "")), ("hostName", .string(router.hostName ?? "")),
                ("buildVersion", .string(router.version ?? "")),
            ])
    }

    func link(_ link: FlowRecord) -> ObserverRow {
        let router = index.router(of: link)
        let site = index.site(ofRouter: router)
        let peer = index.peer(of: link)
        let remoteSite = index.site(ofRouter: peer?.router)
        let role = link.role == "inter-router" || link.role == "edge" ? link.role! : "unknown"
        return ObserverRow(
            base(link) + [
                ("routerId", .string(router?.identity ?? "")), ("routerName", .string(NetworkIndex.routerName(router))),
                ("name", .string(link.name ?? "")), ("cost", link.linkCost.map { .int(Int(clamping: $0)) } ?? .null), ("role", .string(role)),
                ("status", .string(link.operStatus == "up" ? "up" : "down")), ("octetCount", .number(link.octets)),
                ("octetReverseCount", .number(link.octetsReverse)), ("routerAccessId", .text(orNull: peer?.access.identity)),
                ("destinationRouterId", .text(orNull: peer?.router?.identity)),
                ("destinationRouterName", peer?.router.map { .string(NetworkIndex.routerName($0)) } ?? .null),
                ("sourceSiteId", .string(site?.identity ?? "")), ("sourceSiteName", .string(index.name(ofSite: site))),
                ("destinationSiteId", .text(orNull: remoteSite?.identity)),
                ("destinationSiteName", remoteSite.map { .string(index.name(ofSite: $0)) } ?? .null),
            ])
    }

    func access(_ access: FlowRecord) -> ObserverRow {
        ObserverRow(
            base(access) + [
                ("routerId", .string(access.parent ?? "")), ("name", .string(access.name ?? "")), ("linkCount", .number(access.linkCount)),
                ("role", .string(access.role ?? "")),
            ])
    }

    func listener(_ listener: FlowRecord) -> ObserverRow {
        let site = index.site(of: listener)
        return ObserverRow(
            base(listener) + [
                ("routerId", .string(listener.parent ?? "")), ("name", .string(listener.name ?? "")),
                ("destHost", .string(listener.destinationHost ?? "")), ("destPort", .string(listener.destinationPort ?? "")),
                ("protocol", .string(listener.protocol ?? "")), ("routingKey", .string(listener.address ?? "")),
                ("serviceId", .string(listener.address ?? "")), ("siteId", .string(site?.identity ?? "")),
                ("siteName", .string(index.name(ofSite: site))),
            ])
    }

    func connector(_ connector: FlowRecord) -> ObserverRow {
        let site = index.site(of: connector)
        return ObserverRow(
            base(connector) + [
                ("routerId", .string(connector.parent ?? "")), ("name", .string(connector.name ?? "")),
                ("destHost", .string(connector.destinationHost ?? "")), ("destPort", .string(connector.destinationPort ?? "")),
                ("protocol", .string(connector.protocol ?? "")), ("routingKey", .string(connector.address ?? "")),
                ("serviceId", .string(connector.address ?? "")), ("processId", .string("")), ("target", .null),
                ("siteId", .string(site?.identity ?? "")), ("siteName", .string(index.name(ofSite: site))),
            ])
    }

    /// A service per routing key some listener or connector has; its identity is the routing key.
    func services() -> [ObserverRow] {
        var keys: [String: (listeners: Int, connectors: Int, protocol: String, start: UInt64)] = [:]
        for record in index.listeners + index.connectors {
            guard let key = record.address, !key.isEmpty else { continue }
            var entry = keys[key] ?? (0, 0, record.protocol ?? "tcp", record.startTime ?? 0)
            if record.type == .listener { entry.listeners += 1 } else { entry.connectors += 1 }
            entry.start = min(entry.start, record.startTime ?? entry.start)
            keys[key] = entry
        }
        return keys.keys.sorted().map { key in
            let entry = keys[key]!
            return ObserverRow([
                ("identity", .string(key)), ("startTime", .number(entry.start)), ("endTime", .int(0)), ("name", .string(key)),
                ("protocol", .string(entry.protocol)), ("observedApplicationProtocols", .array([])), ("listenerCount", .int(entry.listeners)),
                ("connectorCount", .int(entry.connectors)), ("isBound", .bool(entry.connectors > 0)), ("hasListener", .bool(entry.listeners > 0)),
            ])
        }
    }

    func connection(_ connection: ConnectionLog.Connection) -> ObserverRow {
        let record = connection.record
        let listener = record.parent.flatMap { index.records[$0] }
        let connector = record.connector.flatMap { index.records[$0] }
        let sourceSite = listener.flatMap(index.site(of:))
        let destSite = connector.flatMap(index.site(of:))
        let start = record.startTime ?? 0, end = record.hasEnded ? (record.endTime ?? 0) : 0
        let sitePair = sourceSite.flatMap { source in destSite.map { "\(source.identity)-\($0.identity)" } }
        let traceSites = [sourceSite, destSite].compactMap { $0.map { JSONValue.string(index.name(ofSite: $0)) } }
        return ObserverRow([
            ("identity", .string(record.identity)), ("startTime", .number(start)), ("endTime", .number(end)),
            ("sourceSiteId", .string(sourceSite?.identity ?? "")), ("sourceSiteName", .string(index.name(ofSite: sourceSite))),
            ("destSiteId", .string(destSite?.identity ?? "")), ("destSiteName", .string(index.name(ofSite: destSite))),
            ("sourceProcessId", .string("")), ("sourceProcessName", .string(record.sourceHost ?? "")), ("destProcessId", .string("")),
            ("destProcessName", .string(connector?.destinationHost ?? "")), ("duration", end > start ? .number(end - start) : .null),
            ("processPairId", .null), ("componentPairId", .null), ("sitePairId", .text(orNull: sitePair)), ("protocol", .string("tcp")),
            ("routingKey", .string(connection.routingKey)), ("listenerId", .string(record.parent ?? "")),
            ("connectorId", .string(record.connector ?? "")), ("sourceHost", .string(record.sourceHost ?? "")),
            ("sourcePort", .string(record.sourcePort ?? "")), ("destHost", .string(connector?.destinationHost ?? "")),
            ("destPort", .string(connector?.destinationPort ?? "")), ("proxyHost", .string(record.proxyHost ?? "")),
            ("proxyPort", .string(record.proxyPort ?? "")), ("octetCount", .number(record.octets)),
            ("octetReverseCount", .number(record.octetsReverse)), ("latency", .number(record.latency)),
            ("latencyReverse", .number(record.processLatency)), ("listenerError", .text(orNull: record.listenerError)),
            ("connectorError", .text(orNull: record.connectorError)), ("traceRouters", .array([])), ("traceSites", .array(traceSites)),
        ])
    }
}
