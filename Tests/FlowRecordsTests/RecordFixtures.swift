import FlowRecords
import RouterManagement

/// Records as skupper-router's vanflow module composes them: maps from attribute codes (uint) to strings and ulongs.
enum Records {
    static func record(_ type: UInt64, _ identity: String, _ attributes: [UInt64: AMQPValue] = [:]) -> AMQPValue {
        var map: [AMQPValue: AMQPValue] = [.uint(0): .uint(type), .uint(1): .string(identity)]
        for (code, value) in attributes { map[.uint(code)] = value }
        return .map(map)
    }

    static func site(_ id: String, name: String) -> AMQPValue {
        record(0x00, id, [30: .string(name), 11: .string("linux"), 12: .string("default"), 32: .string("2.1.0")])
    }

    static func router(_ source: String, site: String, name: String) -> AMQPValue {
        record(0x01, "\(source):0", [2: .string(site), 30: .string("0/\(name)"), 13: .string("interior"), 32: .string("3.5.1")])
    }

    static func access(_ source: String, _ number: Int) -> AMQPValue {
        record(0x0f, "\(source):\(number)", [2: .string("\(source):0"), 30: .string("skupper-inter-router"), 54: .string("inter-router"), 52: .uint(0)])
    }

    static func link(_ source: String, _ number: Int, name: String, peer: String?, up: Bool) -> AMQPValue {
        var attributes: [UInt64: AMQPValue] = [2: .string("\(source):0"), 30: .string(name), 54: .string("inter-router"), 53: .string(up ? "up" : "down")]
        if let peer { attributes[6] = .string(peer) }
        return record(0x02, "\(source):\(number)", attributes)
    }

    static func listener(_ source: String, _ number: Int, name: String, address: String) -> AMQPValue {
        record(0x04, "\(source):\(number)", [2: .string("\(source):0"), 30: .string("listener/\(name)"), 19: .string(address), 16: .string("tcp")])
    }

    static func connector(_ source: String, _ number: Int, address: String, host: String) -> AMQPValue {
        record(0x05, "\(source):\(number)", [2: .string("\(source):0"), 19: .string(address), 15: .string(host), 18: .string("8080"), 16: .string("tcp")])
    }

    /// A whole site's records as one RECORD body: site, router, an access point, a listener and a connector.
    static func wholeSite(_ source: String, siteId: String, name: String, links: [(name: String, peer: String)] = []) -> AMQPValue {
        var items = [
            site(siteId, name: "\(name)-1700000000-1"), router(source, site: siteId, name: "\(name)-1700000000-1"), access(source, 1),
            listener(source, 2, name: "to-\(name)", address: "svc-\(name)"), connector(source, 3, address: "svc-\(name)", host: "10.0.0.\(source.count)"),
        ]
        for (index, link) in links.enumerated() { items.append(self.link(source, 10 + index, name: link.name, peer: link.peer, up: true)) }
        return .list(items)
    }

    static func message(_ address: String, _ subject: String, properties: [String: AMQPValue] = [:], body: AMQPValue = .null) -> FlowMessage {
        var map: [AMQPValue: AMQPValue] = [:]
        for (key, value) in properties { map[.symbol(key)] = value }
        return FlowMessage(address: address, subject: subject, applicationProperties: .map(map), body: body)
    }

    static func beacon(_ id: String) -> FlowMessage {
        message(
            flowBeaconAddress, "BEACON",
            properties: ["v": .uint(1), "sourceType": .string("ROUTER"), "id": .string(id), "address": .string("mc/sfe.\(id)"), "direct": .string("sfe.\(id)")])
    }

    static func heartbeat(_ id: String) -> FlowMessage {
        message("mc/sfe.\(id)", "HEARTBEAT", properties: ["v": .uint(1), "id": .string(id), "now": .uint(1)])
    }

    static func records(_ id: String, _ body: AMQPValue) -> FlowMessage { message("mc/sfe.\(id)", "RECORD", body: body) }
}
