/// The network's TCP connections as the routers' BIFLOW_TPORT records describe them, for the console and the observer
/// API: open ones, and closed ones for `retention` after they ended (the observer's `-flow-record-ttl`); at most
/// `perService` a routing key (its oldest go first, closed before open) and `total` in all, so a busy network or a
/// hostile source cannot grow it without end; and the traffic as running totals per pair of routers and service (the
/// observer's connection and byte counters) and per service in buckets over the last minutes.
public struct ConnectionLog: Sendable {
    public struct Limits: Sendable {
        public var perService = 2_000
        public var total = 20_000
        /// How long a closed connection is kept, in microseconds (15 minutes, as the observer keeps flow records).
        public var retention: UInt64 = 900_000_000
        /// The traffic history's bucket, in microseconds, and how many are kept (ten minutes of ten seconds).
        public var bucket: UInt64 = 10_000_000
        public var buckets = 60
        /// Pairs of routers and service counted (past it, new pairs are not).
        public var pairs = 10_000

        public init() {}
    }

    /// One connection: its record (the attributes seen so far) and the service it belongs to.
    public struct Connection: Sendable, Hashable {
        public var record: FlowRecord
        /// The routing key of its LISTENER; empty until that listener's record is known.
        public var routingKey: String
        /// Whether it is counted in its pair's traffic yet: once its connector is known (or it ended without one), so a
        /// connection is counted under one pair only.
        var counted = false
        /// The log's revision when it last changed: views made of it are made again only for what changed.
        public internal(set) var revision: UInt64 = 0
        public var isOpen: Bool { !record.hasEnded }
    }

    /// Where connections went: the router of their listener, the router of their connector (empty when none was
    /// reached), and the service.
    public struct Pair: Sendable, Hashable {
        public var listenerSource: String
        public var connectorSource: String
        public var routingKey: String

        public init(listenerSource: String, connectorSource: String, routingKey: String) {
            self.listenerSource = listenerSource
            self.connectorSource = connectorSource
            self.routingKey = routingKey
        }
    }

    /// A pair's traffic since this agent began to follow it.
    public struct Counters: Sendable, Hashable {
        public var opened: UInt64 = 0
        public var closed: UInt64 = 0
        public var octets: UInt64 = 0
        public var octetsReverse: UInt64 = 0

        public init(opened: UInt64 = 0, closed: UInt64 = 0, octets: UInt64 = 0, octetsReverse: UInt64 = 0) {
            self.opened = opened
            self.closed = closed
            self.octets = octets
            self.octetsReverse = octetsReverse
        }
    }

    public var limits = Limits()
    /// Every connection held, by identity.
    public private(set) var connections: [String: Connection] = [:]
    /// Goes up with every change of a connection.
    public private(set) var revision: UInt64 = 0
    /// The traffic of every pair of routers and service.
    public private(set) var pairs: [Pair: Counters] = [:]
    /// Each service's bytes both ways per bucket, oldest first: (the bucket's start in microseconds, bytes).
    public private(set) var history: [String: [(start: UInt64, octets: UInt64)]] = [:]
    /// Each service's connections in the order they came (with the identities since gone, skipped when met).
    private var arrival: [String: ArrivalQueue] = [:]

    public init() {}

    /// Takes in what `source` says of its connections; `routingKey` names a LISTENER record's routing key. Returns
    /// whether anything changed and the problems of the records not taken.
    public mutating func apply(
        _ incoming: [FlowRecord], from source: String, now: UInt64, routingKey: (String) -> String?
    ) -> (changed: Bool, problems: [String]) {
        var changed = false
        var problems: [String] = []
        for update in incoming where update.type == .transportFlow {
            guard FlowRecord.sourcePrefix(of: update.identity).map(String.init) == source else {
                problems.append("BIFLOW_TPORT \(update.identity) is not source \(source)'s to describe")
                continue
            }
            if var held = connections[update.identity] {
                let before = held
                held.record.merge(update)
                if held.routingKey.isEmpty, let parent = held.record.parent { held.routingKey = routingKey(parent) ?? "" }
                if held.counted {
                    count(from: before.record, to: held.record, key: held.routingKey, now: now)
                } else if held.record.connector != nil || held.record.hasEnded {
                    held.counted = true
                    count(from: nil, to: held.record, key: held.routingKey, now: now)
                }
                if held != before {
                    revision &+= 1
                    held.revision = revision
                    connections[update.identity] = held
                    changed = true
                }
                continue
            }
            let key = update.parent.flatMap(routingKey) ?? ""
            admit(Connection(record: update, routingKey: key), now: now)
            changed = true
        }
        return (changed, problems)
    }

    /// Closes what a source that left still had open (it will not say) at `now`; returns whether any was.
    @discardableResult
    public mutating func sourceLeft(_ source: String, now: UInt64) -> Bool {
        var closed = false
        for (identity, connection) in connections where connection.isOpen {
            guard FlowRecord.sourcePrefix(of: identity).map(String.init) == source else { continue }
            let before = connection.record
            revision &+= 1
            connections[identity]?.record.endTime = now
            connections[identity]?.revision = revision
            if connection.counted, let after = connections[identity]?.record { count(from: before, to: after, key: connection.routingKey, now: now) }
            closed = true
        }
        return closed
    }

    /// Forgets the connections that ended longer than `retention` ago; returns whether any were.
    @discardableResult
    public mutating func expire(now: UInt64) -> Bool {
        let expired = connections.filter { _, connection in
            guard let end = connection.record.endTime, connection.record.hasEnded else { return false }
            return end &+ limits.retention < now
        }
        for identity in expired.keys { connections.removeValue(forKey: identity) }
        return !expired.isEmpty
    }

    /// Each service's counters: its pairs' summed.
    public func services() -> [String: Counters] {
        var services: [String: Counters] = [:]
        for (pair, counters) in pairs {
            var sum = services[pair.routingKey] ?? Counters()
            sum.opened &+= counters.opened
            sum.closed &+= counters.closed
            sum.octets &+= counters.octets
            sum.octetsReverse &+= counters.octetsReverse
            services[pair.routingKey] = sum
        }
        return services
    }

    /// How many connections of each routing key are open.
    public func openConnections() -> [String: Int] {
        var open: [String: Int] = [:]
        for connection in connections.values where connection.isOpen { open[connection.routingKey, default: 0] += 1 }
        return open
    }

    /// Keeps a new connection, making room within the bounds first.
    private mutating func admit(_ connection: Connection, now: UInt64) {
        var connection = connection
        let key = connection.routingKey
        var queue = arrival[key] ?? ArrivalQueue()
        // Identities since gone (expired, evicted) still count: dropped only when the service seems full.
        if queue.count >= limits.perService { queue.compact(keeping: { connections[$0]?.routingKey == key }) }
        while queue.count >= limits.perService, let victim = victim(in: &queue) { connections.removeValue(forKey: victim) }
        if connections.count >= limits.total { evictOldest() }
        queue.append(connection.record.identity)
        arrival[key] = queue
        if connection.record.connector != nil || connection.record.hasEnded {
            connection.counted = true
            count(from: nil, to: connection.record, key: key, now: now)
        }
        revision &+= 1
        connection.revision = revision
        connections[connection.record.identity] = connection
    }

    /// The oldest closed connection of a queue, else its oldest; taken out of the queue.
    private func victim(in queue: inout ArrivalQueue) -> String? {
        if let closed = queue.removeFirst(where: { connections[$0]?.isOpen == false }) { return closed }
        return queue.removeFirst(where: { _ in true })
    }

    /// Makes room in all: the oldest connection of the service holding the most.
    private mutating func evictOldest() {
        guard let (key, _) = arrival.max(by: { $0.value.count < $1.value.count }), var queue = arrival[key] else { return }
        queue.compact(keeping: { connections[$0] != nil })
        if let identity = victim(in: &queue) { connections.removeValue(forKey: identity) }
        arrival[key] = queue
    }

    /// Adds what a counted connection did between two of its states (nil: before it was counted) to its pair.
    private mutating func count(from before: FlowRecord?, to after: FlowRecord, key: String, now: UInt64) {
        let pair = Pair(
            listenerSource: FlowRecord.sourcePrefix(of: after.identity).map(String.init) ?? "",
            connectorSource: after.connector.flatMap(FlowRecord.sourcePrefix(of:)).map(String.init) ?? "", routingKey: key)
        guard pairs[pair] != nil || pairs.count < limits.pairs else { return }
        func grown(_ value: UInt64?, _ was: UInt64?) -> UInt64 { (value ?? 0) > (was ?? 0) ? (value ?? 0) - (was ?? 0) : 0 }
        let out = grown(after.octets, before?.octets), back = grown(after.octetsReverse, before?.octetsReverse)
        var counters = pairs[pair] ?? Counters()
        if before == nil { counters.opened &+= 1 }
        if after.hasEnded, before?.hasEnded != true { counters.closed &+= 1 }
        counters.octets &+= out
        counters.octetsReverse &+= back
        pairs[pair] = counters
        guard out > 0 || back > 0 else { return }
        var buckets = history[key] ?? []
        let start = now - now % max(limits.bucket, 1)
        if let last = buckets.last, last.start == start {
            buckets[buckets.count - 1].octets &+= out &+ back
        } else {
            buckets.append((start, out &+ back))
        }
        let oldest = start &- UInt64(max(limits.buckets - 1, 0)) &* limits.bucket
        if let first = buckets.firstIndex(where: { $0.start >= oldest }), first > 0 { buckets.removeFirst(first) }
        history[key] = buckets
    }
}

/// The identities of a service's connections in arrival order: appended at the end, taken from the front, with the
/// identities already gone dropped when it is compacted.
struct ArrivalQueue: Sendable {
    private var items: [String] = []
    private var head = 0

    var count: Int { items.count - head }

    mutating func append(_ identity: String) { items.append(identity) }

    /// Keeps only the identities `keep` says are still there (once there is something to gain).
    mutating func compact(keeping keep: (String) -> Bool) {
        guard head > 0 || items.count > 64 else { return }
        items = items[head...].filter(keep)
        head = 0
    }

    /// Takes out the first identity `matches` accepts.
    mutating func removeFirst(where matches: (String) -> Bool) -> String? {
        guard let index = items[head...].firstIndex(where: matches) else { return nil }
        let identity = items[index]
        if index == head {
            head += 1
        } else {
            items.remove(at: index)
        }
        return identity
    }
}

/// The collector's records and connections as of one moment.
public struct FlowSnapshot: Sendable {
    public var records: [String: FlowRecord]
    public var connections: ConnectionLog
    public var version: UInt64
    public var connectionsVersion: UInt64

    public init(records: [String: FlowRecord] = [:], connections: ConnectionLog = ConnectionLog(), version: UInt64 = 0, connectionsVersion: UInt64 = 0) {
        self.records = records
        self.connections = connections
        self.version = version
        self.connectionsVersion = connectionsVersion
    }
}
