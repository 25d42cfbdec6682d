import FlowRecords
import RouterManagement

/// A network of routers that exists only as the vanflow messages they would send: for each site a BEACON, and RECORD
/// messages with its SITE, ROUTER, access point, links (a star on site 0 and a ring), listeners and connectors, and
/// TCP connections (BIFLOW_TPORT on `.flows`) spread over the services. Fed to a real `FlowCollector`, it stands in
/// for 100 routers this machine cannot run at once; named as such wherever it is used.
public struct SyntheticNetwork: Sendable {
    public var sites: Int
    public var servicesPerSite: Int
    public var connections: Int
    /// Microseconds since the epoch the records start at.
    public var start: UInt64

    public init(sites: Int, servicesPerSite: Int = 2, connections: Int = 0, start: UInt64 = WallClock.microseconds() - 60_000_000) {
        self.sites = sites
        self.servicesPerSite = servicesPerSite
        self.connections = connections
        self.start = start
    }

    public static func source(_ site: Int) -> String { "syn\(site)" }
    public static func siteId(_ site: Int) -> String {
        let digits = "\(site)"
        return "5e1f0000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
    public static func siteName(_ site: Int) -> String {
        let digits = "\(site)"
        return "site-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
    public static func routingKey(site: Int, service: Int) -> String { "svc-\(site)-\(service)" }

    /// Every message, beacons first, then each site's records, then the connections.
    public func messages() -> [FlowMessage] {
        var messages = (0..<sites).map { Self.beacon("\(Self.source($0)):0") }
        for site in 0..<sites { messages.append(Self.records("\(Self.source(site)):0", .list(records(of: site)))) }
        var batch: [AMQPValue] = []
        var batchSite = -1
        for number in 0..<connections {
            // Connections go to a listener of one site and a connector of the next.
            let site = number % max(sites, 1)
            if site != batchSite || batch.count >= 50 {
                if !batch.isEmpty { messages.append(Self.flows("\(Self.source(batchSite)):0", .list(batch))) }
                batch = []
                batchSite = site
            }
            batch.append(connection(number, site: site))
        }
        if !batch.isEmpty { messages.append(Self.flows("\(Self.source(batchSite)):0", .list(batch))) }
        return messages
    }

    /// One more site's messages (its BEACON and records): a site joining.
    public func joining(_ site: Int) -> [FlowMessage] {
        [Self.beacon("\(Self.source(site)):0"), Self.records("\(Self.source(site)):0", .list(records(of: site)))]
    }

    /// A connection's record again with its byte counts grown: traffic on the network.
    public func traffic(_ number: Int, octets: UInt64) -> FlowMessage {
        let site = number % max(sites, 1)
        let update = Self.record(0x10, "\(Self.source(site)):\(10_000 + number)", [23: .uint(octets), 58: .uint(octets * 10)])
        return Self.flows("\(Self.source(site)):0", .list([update]))
    }

    /// Feeds every message to a collector, as its connection would.
    public func feed(_ collector: FlowCollector) {
        let now = ContinuousClock.now
        for message in messages() { _ = collector.received(message, now: now) }
    }

    func records(of site: Int) -> [AMQPValue] {
        let source = Self.source(site)
        let name = Self.siteName(site)
        var items: [AMQPValue] = [
            Self.record(
                0x00, Self.siteId(site),
                [
                    30: .string("\(name)-1700000000-\(site)"), 11: .string(["linux", "podman", "docker"][site % 3]), 12: .string("default"),
                    32: .string("2.1.0"), 3: .uint(start),
                ]),
            Self.record(
                0x01, "\(source):0",
                [2: .string(Self.siteId(site)), 30: .string("0/\(name)-1700000000-\(site)"), 13: .string("interior"), 32: .string("3.5.1"), 3: .uint(start)]),
            Self.record(
                0x0f, "\(source):1",
                [2: .string("\(source):0"), 30: .string("skupper-inter-router"), 54: .string("inter-router"), 52: .uint(2), 3: .uint(start)]),
        ]
        // Every site links to site 0 (the hub), and to the next site (a ring).
        var peers: [Int] = []
        if site != 0 { peers.append(0) }
        if sites > 2 { peers.append((site + 1) % sites) }
        for (index, peer) in Set(peers).sorted().enumerated() where peer != site {
            items.append(
                Self.record(
                    0x02, "\(source):\(10 + index)",
                    [
                        2: .string("\(source):0"), 30: .string("link-\(Self.siteName(peer))"), 54: .string("inter-router"), 53: .string("up"),
                        6: .string("\(Self.source(peer)):1"), 33: .uint(1), 3: .uint(start),
                    ]))
        }
        for service in 0..<servicesPerSite {
            let key = Self.routingKey(site: site, service: service)
            items.append(
                Self.record(
                    0x04, "\(source):\(100 + service)",
                    [
                        2: .string("\(source):0"), 30: .string("listener/\(key)"), 19: .string(key), 16: .string("tcp"), 15: .string("0.0.0.0"),
                        18: .string("\(9000 + service)"), 3: .uint(start),
                    ]))
        }
        // This site's connectors: for the services of the site before it.
        let previous = (site + sites - 1) % max(sites, 1)
        for service in 0..<servicesPerSite {
            items.append(
                Self.record(
                    0x05, "\(source):\(200 + service)",
                    [
                        2: .string("\(source):0"), 30: .string(Self.routingKey(site: previous, service: service)),
                        19: .string(Self.routingKey(site: previous, service: service)), 16: .string("tcp"), 15: .string("10.0.\(site / 250).\(site % 250 + 1)"),
                        18: .string("\(8000 + service)"), 3: .uint(start),
                    ]))
        }
        return items
    }

    func connection(_ number: Int, site: Int) -> AMQPValue {
        let source = Self.source(site)
        let service = number / max(sites, 1) % max(servicesPerSite, 1)
        let next = (site + 1) % max(sites, 1)
        var attributes: [UInt64: AMQPValue] = [
            2: .string("\(source):\(100 + service)"), 14: .string("192.168.\(number / 65_000 % 250).\(number / 250 % 250 + 1)"),
            17: .string("\(30_000 + number % 30_000)"), 23: .uint(UInt64(1_000 + number)), 58: .uint(UInt64(10_000 + number)), 24: .uint(350),
            60: .string("\(Self.source(next)):\(200 + service)"), 3: .uint(start + UInt64(number) * 1_000),
        ]
        // Every other connection has ended.
        if number % 2 == 1 { attributes[4] = .uint(start + UInt64(number) * 1_000 + 500_000) }
        return Self.record(0x10, "\(source):\(10_000 + number)", attributes)
    }

    /// A record as skupper-router's vanflow module composes it: a map from attribute codes to values.
    public static func record(_ type: UInt64, _ identity: String, _ attributes: [UInt64: AMQPValue]) -> AMQPValue {
        var map: [AMQPValue: AMQPValue] = [.uint(0): .uint(type), .uint(1): .string(identity)]
        for (code, value) in attributes { map[.uint(code)] = value }
        return .map(map)
    }

    static func beacon(_ id: String) -> FlowMessage {
        var properties: [AMQPValue: AMQPValue] = [:]
        for (key, value) in [
            "v": AMQPValue.uint(1), "sourceType": .string("ROUTER"), "id": .string(id), "address": .string("mc/sfe.\(id)"), "direct": .string("sfe.\(id)"),
        ] {
            properties[.symbol(key)] = value
        }
        return FlowMessage(address: flowBeaconAddress, subject: "BEACON", applicationProperties: .map(properties), body: .null)
    }

    static func records(_ id: String, _ body: AMQPValue) -> FlowMessage {
        FlowMessage(address: "mc/sfe.\(id)", subject: "RECORD", applicationProperties: .map([:]), body: body)
    }

    static func flows(_ id: String, _ body: AMQPValue) -> FlowMessage {
        FlowMessage(address: "mc/sfe.\(id).flows", subject: "RECORD", applicationProperties: .map([:]), body: body)
    }
}
