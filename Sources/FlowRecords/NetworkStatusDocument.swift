import RouterEntities
import TextSupport

/// `runtime/resources/ConfigMap-skupper-network-status.yaml` as Skupper v2's nonkube collector writes it
/// (internal/nonkube/flow, internal/flow/status.go): a ConfigMap whose `NetworkStatus` is the JSON of v2's
/// `NetworkStatusInfo`, every site with its routers' links, access points, listeners and connectors, and every
/// routing key with its listener and connector counts, so v2's tools read this site's view of the network.
public enum NetworkStatusDocument {
    public static let fileName = "ConfigMap-skupper-network-status.yaml"

    /// The ConfigMap's YAML for `records`, in `namespace`.
    public static func yaml(records: [String: FlowRecord], namespace: String) -> String {
        var out = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skupper-network-status\n  namespace: "
        QuotedText.append(namespace, .yaml, to: &out)
        out += "\ndata:\n  NetworkStatus: "
        QuotedText.append(json(records: records).compact(), .yaml, to: &out)
        out += "\n"
        return out
    }

    /// v2's `NetworkStatusInfo`, field for field (omitempty where v2 omits).
    public static func json(records: [String: FlowRecord]) -> JSONValue {
        var byType: [FlowRecordType: [FlowRecord]] = [:]
        var children: [String: [FlowRecord]] = [:]
        for record in records.values {
            byType[record.type, default: []].append(record)
            if record.type != .site, let parent = record.parent { children[parent, default: []].append(record) }
        }
        func sorted(_ list: [FlowRecord]?) -> [FlowRecord] { (list ?? []).sorted { $0.identity < $1.identity } }
        func kids(_ parent: String, _ type: FlowRecordType) -> [FlowRecord] { sorted(children[parent]?.filter { $0.type == type }) }
        func fields(_ pairs: [(String, String?)]) -> [(String, JSONValue)] {
            pairs.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : (key, JSONValue.string($0)) } }
        }
        var siteStatus: [JSONValue] = []
        for site in sorted(byType[.site]) {
            let siteInfo = JSONValue.object(
                fields([
                    ("identity", site.identity), ("name", site.name), ("namespace", site.namespace), ("platform", site.platform),
                    ("siteVersion", site.version),
                ]))
            var routers: [JSONValue] = []
            for router in kids(site.identity, .router) {
                let routerInfo = JSONValue.object(
                    fields([
                        ("name", router.name), ("namespace", router.namespace), ("mode", router.mode), ("imageName", router.imageName),
                        ("imageVersion", router.imageVersion), ("hostname", router.hostName),
                    ]))
                let links = kids(router.identity, .link).map { link -> JSONValue in
                    var pairs = fields([("name", link.name)])
                    if let cost = link.linkCost, cost > 0 { pairs.append(("linkCost", .int(Int(clamping: cost)))) }
                    pairs += fields([("status", link.operStatus), ("role", link.role), ("peer", link.peer)])
                    return .object(pairs)
                }
                let access = kids(router.identity, .routerAccess).map { JSONValue.object(fields([("identity", $0.identity)])) }
                let listeners = kids(router.identity, .listener).map { listener in
                    JSONValue.object(
                        fields([
                            ("name", listener.name), ("destHost", listener.destinationHost), ("destPort", listener.destinationPort),
                            ("protocol", listener.protocol), ("address", listener.address),
                        ]))
                }
                let connectors = kids(router.identity, .connector).map { connector in
                    JSONValue.object(
                        fields([("destHost", connector.destinationHost), ("destPort", connector.destinationPort), ("address", connector.address)]))
                }
                routers.append(
                    .object([
                        ("router", routerInfo), ("links", .array(links)), ("routerAccess", .array(access)), ("listeners", .array(listeners)),
                        ("connectors", .array(connectors)),
                    ]))
            }
            siteStatus.append(.object([("site", siteInfo), ("routerStatus", .array(routers))]))
        }
        var addresses: [String: (protocol: String?, listeners: Int, connectors: Int)] = [:]
        for record in (byType[.listener] ?? []) + (byType[.connector] ?? []) {
            guard let address = record.address else { continue }
            var entry = addresses[address] ?? (nil, 0, 0)
            if record.type == .connector {
                entry.connectors += 1
                if entry.protocol == nil { entry.protocol = record.protocol }
            } else {
                entry.listeners += 1
            }
            addresses[address] = entry
        }
        let addressInfo = addresses.keys.sorted().map { address -> JSONValue in
            let entry = addresses[address]!
            var pairs = fields([("name", address)])
            pairs += [("startTime", .int(0)), ("endTime", .int(0))]
            pairs += fields([("protocol", entry.protocol)])
            pairs += [("listenerCount", .int(entry.listeners)), ("connectorCount", .int(entry.connectors))]
            return .object(pairs)
        }
        return .object([
            ("addresses", .array(addressInfo)), ("siteStatus", .array(siteStatus)),
        ])
    }
}
