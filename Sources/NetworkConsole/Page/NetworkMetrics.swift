import FlowRecords

/// The network's metrics in Prometheus' text format, with network-observer's names and labels
/// (`cmd/network-observer/README.md`): the sites, their routers, links, listeners and connectors, and the traffic
/// between them (connections opened and closed, bytes each way) by pair of sites and routing key.
enum NetworkMetrics {
    static func text(snapshot: FlowSnapshot) -> String {
        let index = NetworkIndex(records: snapshot.records)
        var out = ""
        family(&out, "skupper_site_info", "gauge", "Metadata about the active sites that make up the application network")
        for site in index.sites {
            sample(&out, "skupper_site_info", [("site_id", site.identity), ("name", index.name(ofSite: site)), ("version", site.version ?? "")], 1)
        }
        family(&out, "skupper_routers_total", "gauge", "Number of active routers participating in the application network")
        var routers: [[String]: Int] = [:]
        for router in index.routers { routers[[router.parent ?? "", router.mode ?? ""], default: 0] += 1 }
        for (key, count) in routers.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            sample(&out, "skupper_routers_total", [("site_id", key[0]), ("mode", key[1])], UInt64(count))
        }
        var links: [[String]: Int] = [:]
        var linkErrors: [[String]: UInt64] = [:]
        for link in index.links {
            let site = index.site(of: link)?.identity ?? ""
            let role = link.role ?? "unknown"
            links[[site, link.operStatus == "up" ? "up" : "down", role], default: 0] += 1
            linkErrors[[site, role], default: 0] &+= link.downCount ?? 0
        }
        family(&out, "skupper_site_links_total", "gauge", "Number of router links configured in the application network")
        for (key, count) in links.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            sample(&out, "skupper_site_links_total", [("site_id", key[0]), ("status", key[1]), ("role", key[2])], UInt64(count))
        }
        family(&out, "skupper_site_link_errors_total", "counter", "Count of link connection errors across the application network")
        for (key, count) in linkErrors.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            sample(&out, "skupper_site_link_errors_total", [("site_id", key[0]), ("role", key[1])], count)
        }
        for (name, records, help) in [
            ("skupper_site_listeners_total", index.listeners, "Number of listeners configured in the application network"),
            ("skupper_site_connectors_total", index.connectors, "Number of connectors configured in the application network"),
        ] {
            family(&out, name, "gauge", help)
            var counts: [String: Int] = [:]
            for record in records { counts[index.site(of: record)?.identity ?? "", default: 0] += 1 }
            for (site, count) in counts.sorted(by: { $0.key < $1.key }) { sample(&out, name, [("site_id", site)], UInt64(count)) }
        }
        let pairs = snapshot.connections.pairs.sorted { a, b in
            (a.key.routingKey, a.key.listenerSource, a.key.connectorSource) < (b.key.routingKey, b.key.listenerSource, b.key.connectorSource)
        }
        let traffic: [(String, String, KeyPath<ConnectionLog.Counters, UInt64>)] = [
            ("skupper_connections_opened_total", "Number of connections opened through the application network", \.opened),
            ("skupper_connections_closed_total", "Number of connections opened through the application network that have been closed", \.closed),
            ("skupper_sent_bytes_total", "Bytes sent through the application network from client to service", \.octets),
            ("skupper_received_bytes_total", "Bytes sent through the application network back from service to client", \.octetsReverse),
        ]
        for (name, help, value) in traffic {
            family(&out, name, "counter", help)
            for (pair, counters) in pairs {
                let source = index.site(ofSource: pair.listenerSource), destination = index.site(ofSource: pair.connectorSource)
                let labels = [
                    ("source_site_id", source?.identity ?? ""), ("dest_site_id", destination?.identity ?? ""),
                    ("source_site_name", index.name(ofSite: source)), ("dest_site_name", index.name(ofSite: destination)), ("source_component_id", ""),
                    ("dest_component_id", ""), ("source_component_name", ""), ("dest_component_name", ""), ("routing_key", pair.routingKey),
                    ("protocol", "tcp"), ("source_process_name", ""), ("dest_process_name", ""),
                ]
                sample(&out, name, labels, counters[keyPath: value])
            }
        }
        return out
    }

    private static func family(_ out: inout String, _ name: String, _ type: String, _ help: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private static func sample(_ out: inout String, _ name: String, _ labels: [(String, String)], _ value: UInt64) {
        out += name
        out += "{"
        for (index, (key, text)) in labels.enumerated() {
            if index > 0 { out += "," }
            out += key
            out += "=\""
            for character in text.unicodeScalars {
                switch character {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(character)
                }
            }
            out += "\""
        }
        out += "} \(value)\n"
    }
}
