import FlowRecords
import Testing

/// The connections held for the console: bounded per service and in all, kept for their retention, counted by pair.
@Suite struct ConnectionLogTests {
    static func flow(_ number: Int, source: String = "a", listener: String = "a:1", connector: String? = "b:2", octets: UInt64 = 10, ended: UInt64? = nil)
        -> FlowRecord
    {
        var record = FlowRecord(type: .transportFlow, identity: "\(source):\(1000 + number)")
        record.parent = listener
        record.connector = connector
        record.octets = octets
        record.octetsReverse = octets * 2
        record.startTime = 1_000_000
        record.endTime = ended
        return record
    }

    @Test func connectionsAreCountedByPairAndServiceAndEndedOnesExpire() {
        var log = ConnectionLog()
        let key: (String) -> String? = { $0 == "a:1" ? "backend" : nil }
        var result = log.apply([Self.flow(1), Self.flow(2)], from: "a", now: 10_000_000, routingKey: key)
        #expect(result.changed && result.problems.isEmpty)
        result = log.apply([Self.flow(1, octets: 50, ended: 11_000_000)], from: "a", now: 11_000_000, routingKey: key)
        let pair = ConnectionLog.Pair(listenerSource: "a", connectorSource: "b", routingKey: "backend")
        #expect(log.pairs[pair] == ConnectionLog.Counters(opened: 2, closed: 1, octets: 60, octetsReverse: 120))
        #expect(log.openConnections() == ["backend": 1])
        #expect(log.history["backend"]?.reduce(0) { $0 + $1.octets } == 180)
        // Another source may not describe a's connections.
        #expect(!log.apply([Self.flow(3)], from: "b", now: 12_000_000, routingKey: key).problems.isEmpty)
        let early = log.expire(now: 11_000_000 + log.limits.retention)
        #expect(!early)
        let due = log.expire(now: 11_000_001 + log.limits.retention)
        #expect(due)
        #expect(log.connections.count == 1)
        let closed = log.sourceLeft("a", now: 20_000_000)
        #expect(closed)
        #expect(log.openConnections().isEmpty)
        #expect(log.pairs[pair]?.closed == 2)
    }

    @Test func aServiceHoldsAtMostItsShareClosedOnesGoingFirst() {
        var log = ConnectionLog()
        log.limits.perService = 100
        log.limits.total = 150
        let key: (String) -> String? = { $0 == "a:1" ? "one" : "two" }
        _ = log.apply((0..<50).map { Self.flow($0) }, from: "a", now: 1, routingKey: key)
        _ = log.apply((50..<300).map { Self.flow($0, ended: 2_000_000) }, from: "a", now: 1, routingKey: key)
        #expect(log.connections.count == 100)
        // The open ones stayed; the oldest closed ones went.
        #expect((0..<50).allSatisfy { log.connections["a:\(1000 + $0)"] != nil })
        #expect(log.connections["a:1299"] != nil && log.connections["a:1050"] == nil)
        _ = log.apply((300..<400).map { Self.flow($0, listener: "a:2") }, from: "a", now: 1, routingKey: key)
        #expect(log.connections.count <= 150)
        #expect(log.pairs.values.reduce(0) { $0 + $1.opened } == 400)
    }
}
