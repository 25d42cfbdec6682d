import Logging
import RouterManagement
import Synchronization

/// Follows every router of the network through its flow records, over the agent's management connection: hears
/// the BEACONs on `mc/sfe.all`, subscribes to each router's address (and to a router a LINK reached before its
/// beacon comes: a router's first record, its ROUTER, is `<source>:0`, its address `mc/sfe.<source>:0`), asks it for
/// everything (FLUSH) soon after and again at its first heartbeat there, keeps its records in one store, and forgets
/// a router silent for three heartbeats (two and a bit while the network just lost a connection; up to 20 s while
/// another router still holds an up link to it). Its own site's router is asked to send everything again once its
/// records settle after a change: the routers may lose a burst of records on the way to other sites (seen with ten
/// sites adding 100 services at once), and nothing else would send them again. Called on the connection's thread;
/// the agent waits for changes (`nextChange`) and reads the records (`records`) from its own.
public final class FlowCollector: FlowListener {
    public struct Settings: Sendable {
        /// How long a source may be silent before it is gone (routers send a HEARTBEAT every 2 s).
        public var silence: Duration = .seconds(6)
        /// The same while the network just lost a connection (a LINK went down, an access point lost links).
        public var suspectSilence: Duration = .milliseconds(2_600)
        /// How long a source another router (heard lately) still holds an up link to may be silent: its heartbeats
        /// may be lost for a while as the network's routes change, and a router that stopped answering loses its
        /// links at the routers' idle timeout (16 s).
        public var heldSilence: Duration = .seconds(20)
        /// How long a connection loss makes every source suspect.
        public var suspicion: Duration = .seconds(8)
        /// A resend whose second heartbeat has not come by then is let go, nothing forgotten.
        public var sweepLimit: Duration = .seconds(15)
        /// How long a subscription made on a guess waits for its first message.
        public var unconfirmed: Duration = .seconds(12)
        /// A FLUSH is sent this long after subscribing and as often after until the source's ROUTER record came (what
        /// it resends starts with it; the subscription, and the source's own address, take a moment to spread
        /// through the network: a FLUSH before that is answered to nobody or never reaches it), at most
        /// `earlyFlushes` times; and again at the source's first heartbeat.
        public var flushAfter: Duration = .milliseconds(400)
        public var earlyFlushes = 15
        /// After its records changed, this site's router is FLUSHed once they were quiet this long (plus up to
        /// `republishJitter`, so sites changed together do not resend together), and again `republishAgain` later.
        public var republishQuiet: Duration = .seconds(2)
        public var republishJitter: Duration = .seconds(2)
        public var republishAgain: Duration = .seconds(15)
        public var maximumSources = 2_000
        /// Whether each router's connections (its BIFLOW_TPORT records, on `<address>.flows`) are followed too: the
        /// routers send them only to a subscriber, so only an agent that shows them (its console) asks.
        public var followFlows = false
        public var connectionLimits = ConnectionLog.Limits()
        /// At most one warning about bad input per this long (the rest are counted into the next).
        public var warningInterval: Duration = .seconds(30)

        public init() {}
    }

    struct Source {
        /// `abcde:0`: the source's ROUTER record, which names its addresses.
        var id: String
        var lastHeard: ContinuousClock.Instant
        var subscribedAt: ContinuousClock.Instant
        /// When the last FLUSH was sent, and how many were sent before any record came.
        var flushedAt: ContinuousClock.Instant?
        var earlyFlushes = 0
        /// Whether a HEARTBEAT, and a RECORD, came from it since it was (re)subscribed.
        var heartbeatHeard = false
        var recordsHeard = false
        /// Heard at its address (a guessed subscription is kept only once confirmed).
        var confirmed = false
        /// When this site's own router is to send everything again (its records changed), first and a second time.
        var republishAt: ContinuousClock.Instant?
        var republishAgainAt: ContinuousClock.Instant?
        /// A full resend of the source under way (its ROUTER record came again whole): what it has not described
        /// again by its second heartbeat after (its resend takes five of its 200 ms flushes) ended unheard.
        var sweep: Sweep?
        var address: String { "mc/sfe.\(id)" }
        var flowsAddress: String { "mc/sfe.\(id).flows" }
        var direct: String { "sfe.\(id)" }
    }

    struct Sweep {
        var unseen: Set<String>
        var started: ContinuousClock.Instant
        var heartbeats = 0
    }

    struct State {
        var store = FlowStore()
        var connections = ConnectionLog()
        /// Goes up with every change of the connections (which the agent's loop is not woken for).
        var connectionsVersion: UInt64 = 0
        /// By prefix (`abcde`).
        var sources: [String: Source] = [:]
        var suspectUntil: ContinuousClock.Instant?
        /// Whether the connection is open: while it is not, no source is heard and none is forgotten.
        var connected = true
        /// Goes up whenever a connection was made somewhere in the network.
        var gained: UInt64 = 0
        /// Commands asked for from another thread, given at the next tick.
        var pending: [FlowCommand] = []
        /// Goes up with every change of the records or the sources.
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
        var lastWarning: ContinuousClock.Instant?
        var suppressedWarnings = 0
    }

    private let settings: Settings
    /// This site's id: its router's records are the ones republished.
    private let ownSiteId: String?
    private let decoder = RecordDecoder()
    private let logger: Logger
    private let state: Mutex<State>

    public init(ownSiteId: String? = nil, settings: Settings = Settings(), logger: Logger) {
        self.ownSiteId = ownSiteId
        self.settings = settings
        self.logger = logger
        var initial = State()
        initial.connections.limits = settings.connectionLimits
        state = Mutex(initial)
    }

    // MARK: - The agent's side

    /// The records now, for the view and the network-status file.
    public var records: [String: FlowRecord] { state.withLock { $0.store.records } }

    /// The records, the connections and their versions, as of one moment: what the console shows.
    public var snapshot: FlowSnapshot {
        state.withLock {
            FlowSnapshot(records: $0.store.records, connections: $0.connections, version: $0.version, connectionsVersion: $0.connectionsVersion)
        }
    }

    /// The version now; `nextChange(after:)` returns once it differs.
    public var version: UInt64 { state.withLock { $0.version } }

    /// Goes up whenever a connection was made somewhere in the network (a router may have joined that no record
    /// names yet: the local router's address table will).
    public var connectionsGained: UInt64 { state.withLock { $0.gained } }

    /// How many sources are followed (confirmed ones).
    public var sourceCount: Int { state.withLock { $0.sources.values.filter(\.confirmed).count } }

    /// Waits until something changed after `version` (or the caller is cancelled); returns the version then.
    public func nextChange(after version: UInt64) async -> UInt64 {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.version != version || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
        return self.version
    }

    /// The site's own router was started again: its former self will not be heard again (its records go now, not
    /// after its silence), and the new one is followed once discovered.
    public func routerRestarted(siteId: String) {
        var gone: [String] = []
        state.withLock { state in
            for prefix in state.store.sources(ofSite: siteId) {
                guard let source = state.sources.removeValue(forKey: prefix) else { continue }
                state.store.purge(source: prefix)
                if state.connections.sourceLeft(prefix, now: WallClock.microseconds()) { state.connectionsVersion &+= 1 }
                state.pending += unsubscriptions(source)
                gone.append(source.id)
            }
        }
        guard !gone.isEmpty else { return }
        logger.info("this site's router was started again: its former records are gone", metadata: ["sources": "\(gone.sorted().joined(separator: ","))"])
        bump()
    }

    /// Sources the agent learned of another way (the local router's address table lists `sfe.<source>` for every
    /// router it can reach): followed at the next tick.
    public func discovered(sourceIds: [String]) {
        let now = ContinuousClock.now
        state.withLock { state in
            var commands: [FlowCommand] = []
            for id in sourceIds { _ = follow(id, in: &state, now: now, confirmed: false, into: &commands) }
            state.pending += commands
        }
    }

    // MARK: - The connection's side

    public func connectionClosed(now: ContinuousClock.Instant) {
        state.withLock { $0.connected = false }
    }

    public func connectionOpened(now: ContinuousClock.Instant) -> [FlowCommand] {
        state.withLock { state in
            state.connected = true
            var commands: [FlowCommand] = []
            for (prefix, var source) in state.sources {
                source.heartbeatHeard = false
                source.recordsHeard = false
                source.flushedAt = nil
                source.earlyFlushes = 0
                source.subscribedAt = now
                // Silence while the connection was down is not the source's: it is heard again from now.
                source.lastHeard = now
                state.sources[prefix] = source
                commands += subscriptions(source)
            }
            return commands
        }
    }

    public func received(_ message: FlowMessage, now: ContinuousClock.Instant) -> [FlowCommand] {
        var commands: [FlowCommand] = []
        var warnings: [String] = []
        var changed = false
        state.withLock { state in
            if message.address == flowBeaconAddress {
                guard message.subject == "BEACON" else { return }
                let properties = message.applicationProperties
                guard properties["sourceType"]?.text == "ROUTER" else { return }
                guard let id = properties["id"]?.text, Self.isSourceId(id), properties["address"]?.text == "mc/sfe.\(id)",
                    properties["direct"]?.text == "sfe.\(id)"
                else {
                    warnings.append("a BEACON whose id and addresses are not a router's: \(properties)")
                    return
                }
                if follow(id, in: &state, now: now, confirmed: true, into: &commands) { changed = true }
                return
            }
            if settings.followFlows, message.address.hasSuffix(".flows") {
                receivedFlows(message, in: &state, now: now, warnings: &warnings)
                return
            }
            guard message.address.hasPrefix("mc/sfe."), let prefix = FlowRecord.sourcePrefix(of: String(message.address.dropFirst(7))).map(String.init),
                var source = state.sources[prefix], source.address == message.address
            else { return }
            source.lastHeard = now
            if !source.confirmed {
                source.confirmed = true
                changed = true
            }
            if message.subject == "RECORD", !source.recordsHeard {
                source.recordsHeard = true
                logger.debug("first records from a router", metadata: ["source": "\(source.id)", "heartbeatHeard": "\(source.heartbeatHeard)"])
            }
            if message.subject == "HEARTBEAT", !source.heartbeatHeard {
                // Its first heartbeat since it was (re)subscribed proves the subscription reached it: records from a
                // FLUSH sent before may have come in part (from the middle of its resend), from now they all come.
                source.heartbeatHeard = true
                logger.debug("first heartbeat from a router: FLUSH", metadata: ["source": "\(source.id)"])
                commands.append(.flush(source.direct))
            }
            if message.subject == "HEARTBEAT", var sweep = source.sweep {
                sweep.heartbeats += 1
                source.sweep = sweep.heartbeats >= 2 ? nil : sweep
                if sweep.heartbeats >= 2, !sweep.unseen.isEmpty, state.store.forget(sweep.unseen, of: prefix) {
                    changed = true
                    logger.info("records a router no longer has were forgotten", metadata: ["source": "\(source.id)", "records": "\(sweep.unseen.count)"])
                }
            }
            state.sources[prefix] = source
            guard message.subject == "RECORD" else { return }
            let decoded = decoder.decode(body: message.body)
            warnings += decoded.problems.map { "source \(source.id): \($0)" }
            // Its ROUTER record whole again (with its parent) starts a full resend: a FLUSH's answer, whoever asked.
            if state.store.holds(source.id), decoded.records.contains(where: { $0.identity == source.id && $0.type == .router && $0.parent != nil }) {
                if state.sources[prefix]?.sweep == nil {
                    state.sources[prefix]?.sweep = Sweep(unseen: state.store.resent(by: prefix), started: now)
                } else {
                    state.sources[prefix]?.sweep?.heartbeats = 0
                    state.sources[prefix]?.sweep?.started = now
                }
            }
            if state.sources[prefix]?.sweep != nil {
                for record in decoded.records { state.sources[prefix]?.sweep?.unseen.remove(record.identity) }
            }
            let applied = state.store.apply(decoded.records, from: prefix) { state.sources[$0] != nil }
            warnings += applied.problems.map { "source \(source.id): \($0)" }
            if applied.changed {
                changed = true
                if let ownSiteId, state.store.records["\(prefix):0"]?.parent == ownSiteId {
                    // Pushed back while the records keep changing: one resend once they settle.
                    let jitter = settings.republishJitter * Double.random(in: 0..<1)
                    state.sources[prefix]?.republishAt = now + settings.republishQuiet + jitter
                    state.sources[prefix]?.republishAgainAt = nil
                }
            }
            if applied.connectionLost { state.suspectUntil = now + settings.suspicion }
            if applied.connectionGained { state.gained &+= 1 }
            for referenced in applied.referencedSources { _ = follow("\(referenced):0", in: &state, now: now, confirmed: false, into: &commands) }
        }
        if changed { bump() }
        warn(warnings, now: now)
        return commands
    }

    public func tick(now: ContinuousClock.Instant) -> [FlowCommand] {
        var gone: [String] = []
        let commands = state.withLock { state -> [FlowCommand] in
            var commands = state.pending
            state.pending = []
            guard state.connected else { return commands }
            if settings.followFlows, state.connections.expire(now: WallClock.microseconds()) { state.connectionsVersion &+= 1 }
            let suspect = state.suspectUntil.map { now < $0 } ?? false
            // A router another (recently heard) router still holds an up link to is not gone for lost heartbeats
            // (routes change around a router that left): its links tell when it is.
            let fresh = Set(state.sources.filter { now - $0.value.lastHeard <= settings.suspectSilence }.keys)
            let held = state.store.reachedSources(from: fresh)
            for (prefix, var source) in state.sources {
                if !source.confirmed, now - source.subscribedAt > settings.unconfirmed {
                    state.sources.removeValue(forKey: prefix)
                    commands += unsubscriptions(source)
                    continue
                }
                let limit = held.contains(prefix) ? settings.heldSilence : suspect ? settings.suspectSilence : settings.silence
                if source.confirmed, now - source.lastHeard > limit {
                    state.sources.removeValue(forKey: prefix)
                    state.store.purge(source: prefix)
                    if state.connections.sourceLeft(prefix, now: WallClock.microseconds()) { state.connectionsVersion &+= 1 }
                    commands += unsubscriptions(source)
                    gone.append(source.id)
                    continue
                }
                if let sweep = source.sweep, now - sweep.started > settings.sweepLimit {
                    source.sweep = nil
                    state.sources[prefix] = source
                }
                if let at = source.republishAt, now >= at {
                    source.republishAt = nil
                    source.republishAgainAt = now + settings.republishAgain
                    state.sources[prefix] = source
                    commands.append(.flush(source.direct))
                    logger.debug("this site's records settled: FLUSH for the sites that may have missed them", metadata: ["source": "\(source.id)"])
                } else if let at = source.republishAgainAt, now >= at {
                    source.republishAgainAt = nil
                    state.sources[prefix] = source
                    commands.append(.flush(source.direct))
                }
                // Until its ROUTER record came, a source is asked again every `flushAfter`, a few times.
                let due = source.flushedAt.map { now - $0 >= settings.flushAfter } ?? (now - source.subscribedAt >= settings.flushAfter)
                if source.earlyFlushes < settings.earlyFlushes, due, !state.store.holds(source.id) {
                    source.flushedAt = now
                    source.earlyFlushes += 1
                    state.sources[prefix] = source
                    commands.append(.flush(source.direct))
                }
            }
            if !gone.isEmpty {
                // A router gone silent that a router heard lately still has an up link to is there after all (its
                // heartbeats were late): followed again at once, not at its next beacon.
                for prefix in state.store.reachedSources(from: Set(state.sources.keys)) where state.sources[prefix] == nil {
                    _ = follow("\(prefix):0", in: &state, now: now, confirmed: false, into: &commands)
                }
            }
            return commands
        }
        if !gone.isEmpty {
            logger.info("routers left the network (silent)", metadata: ["sources": "\(gone.sorted().joined(separator: ","))"])
            bump()
        }
        return commands
    }

    /// A quarter of a second while a FLUSH may be due or a connection was just lost (a router may be leaving), a
    /// second otherwise: a quiet network wakes the connection's thread once a second.
    public var tickInterval: Duration {
        state.withLock { state in
            let now = ContinuousClock.now
            if let until = state.suspectUntil, now < until { return .milliseconds(250) }
            let flushing = state.sources.values.contains { $0.earlyFlushes < settings.earlyFlushes && !state.store.holds($0.id) }
            return flushing || !state.pending.isEmpty ? .milliseconds(250) : .seconds(1)
        }
    }

    public func dropped(_ why: String, address: String) {
        warn(["\(why) on \(address)"], now: .now)
    }

    // MARK: -

    /// Follows a source not followed yet (within the bound); returns whether it was new.
    private func follow(_ id: String, in state: inout State, now: ContinuousClock.Instant, confirmed: Bool, into commands: inout [FlowCommand]) -> Bool {
        guard let prefix = FlowRecord.sourcePrefix(of: id).map(String.init) else { return false }
        if var known = state.sources[prefix] {
            if confirmed, known.id == id, !known.confirmed {
                known.confirmed = true
                known.lastHeard = now
                state.sources[prefix] = known
            }
            return false
        }
        guard state.sources.count < settings.maximumSources else { return false }
        logger.debug("following a router's flow records", metadata: ["source": "\(id)", "confirmed": "\(confirmed)"])
        let source = Source(id: id, lastHeard: now, subscribedAt: now, confirmed: confirmed)
        state.sources[prefix] = source
        commands += subscriptions(source)
        return true
    }

    /// The addresses a source is followed at: its records', and its connections' where they are wanted.
    private func addresses(_ source: Source) -> [String] { settings.followFlows ? [source.address, source.flowsAddress] : [source.address] }
    private func subscriptions(_ source: Source) -> [FlowCommand] { addresses(source).map(FlowCommand.subscribe) }
    private func unsubscriptions(_ source: Source) -> [FlowCommand] { addresses(source).map(FlowCommand.unsubscribe) }

    /// Takes in a source's connection records (`mc/sfe.<id>.flows`), their routing keys from its LISTENER records.
    private func receivedFlows(_ message: FlowMessage, in state: inout State, now: ContinuousClock.Instant, warnings: inout [String]) {
        let base = String(message.address.dropLast(".flows".count))
        guard base.hasPrefix("mc/sfe."), let prefix = FlowRecord.sourcePrefix(of: String(base.dropFirst(7))).map(String.init),
            let source = state.sources[prefix], source.address == base, message.subject == "RECORD"
        else { return }
        let decoded = decoder.decode(body: message.body)
        warnings += decoded.problems.map { "source \(source.id): \($0)" }
        let store = state.store
        let applied = state.connections.apply(decoded.records, from: prefix, now: WallClock.microseconds()) { parent in
            store.records[parent]?.address
        }
        warnings += applied.problems.map { "source \(source.id): \($0)" }
        if applied.changed { state.connectionsVersion &+= 1 }
    }

    private func bump() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.version &+= 1
            let waiters = Array(state.waiters.values)
            state.waiters = [:]
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Says bad input at most once per `warningInterval`, with how much more there was.
    private func warn(_ warnings: [String], now: ContinuousClock.Instant) {
        guard let first = warnings.first else { return }
        let said = state.withLock { state -> Int? in
            if let last = state.lastWarning, now - last < settings.warningInterval {
                state.suppressedWarnings += warnings.count
                return nil
            }
            state.lastWarning = now
            defer { state.suppressedWarnings = 0 }
            return state.suppressedWarnings + warnings.count - 1
        }
        guard let more = said else { return }
        logger.warning("flow records dropped", metadata: ["first": "\(first)", "more": "\(more)"])
    }

    /// The source a key of the router's address table names (`Msfe.abcde:0` -> `abcde:0`; a mobile address's key
    /// starts with its class letter and maybe its phase), if any.
    public static func sourceId(inAddressKey key: String) -> String? {
        for skip in 0...2 {
            let rest = key.dropFirst(skip)
            if rest.hasPrefix("sfe.") {
                let id = String(rest.dropFirst(4))
                return isSourceId(id) ? id : nil
            }
        }
        return nil
    }

    /// A router's source id: `<source>:<number>`, the source being what skupper-router makes one of (letters, digits,
    /// `+` and `_` at random, or a pod name's suffix).
    static func isSourceId(_ id: String) -> Bool {
        guard id.utf8.count <= 64, let prefix = FlowRecord.sourcePrefix(of: id), !prefix.isEmpty else { return false }
        return prefix.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x2b || byte == 0x5f || byte == 0x2d
        }
    }
}
