/// The network's records, one per identity, each held for the source that sent it: what a source says is taken in
/// only for identities it may speak for, and within bounds, so a hostile or broken source cannot take another's
/// records over or grow the store without end.
public struct FlowStore: Sendable {
    /// A site's router describes itself in a few records and each of its services in one (100 sites of 100 services
    /// are 20,000): bounds well above that, a few MiB, below what a hostile source could make the agent hold.
    public struct Limits: Sendable {
        public var recordsPerSource = 10_000
        public var records = 50_000

        public init() {}
    }

    public var limits = Limits()
    /// Every record, by identity.
    public private(set) var records: [String: FlowRecord] = [:]

    /// Whether a record of that identity is held (without copying it out).
    public func holds(_ identity: String) -> Bool { records.index(forKey: identity) != nil }
    /// Which source each record came from (the source's prefix: `abcde` of `abcde:0`).
    private var owners: [String: String] = [:]
    /// Each source's records.
    private var bySource: [String: Set<String>] = [:]
    /// The LINK records' identities (the collector reads them four times a second).
    private var links: Set<String> = []
    /// SITE records another source already describes, held by claimant: a site's router restarted (a new source
    /// describes the same site before the old one is known to be gone), or a site run by more than one router. One
    /// of them takes over when the owner goes; a hostile claim never replaces a live owner's.
    private var claims: [String: [String: FlowRecord]] = [:]
    static let claimsPerSite = 4

    public init() {}

    /// What taking in one message did.
    public struct Applied: Sendable {
        /// Whether something the view is made of changed (not only a counter).
        public var changed = false
        /// Records not taken, with why.
        public var problems: [String] = []
        /// Sources named by a record (a LINK's peer) that are not known yet: worth subscribing to.
        public var referencedSources: Set<String> = []
        /// Whether a connection was lost somewhere (a LINK went down or ended, an access point lost links): a router
        /// may have left.
        public var connectionLost = false
        /// Whether a connection was made somewhere (a LINK came up, an access point gained links): a router may have
        /// joined, not known here yet when it is no link's peer (a leaf).
        public var connectionGained = false
    }

    /// Takes in what `source` (a prefix) says; `known` tells whether a source prefix is known.
    public mutating func apply(_ incoming: [FlowRecord], from source: String, isKnownSource known: (String) -> Bool) -> Applied {
        var applied = Applied()
        for update in incoming {
            let identity = update.identity
            if let prefix = FlowRecord.sourcePrefix(of: identity) {
                guard prefix == source else {
                    applied.problems.append("\(update.type.name) \(identity) is not source \(source)'s to describe")
                    continue
                }
            } else if update.type != .site {
                applied.problems.append("\(update.type.name) \(identity): only a SITE may have an identity of its own")
                continue
            }
            if let owner = owners[identity], owner != source {
                guard update.type == .site else {
                    applied.problems.append("\(update.type.name) \(identity) is already described by source \(owner)")
                    continue
                }
                if var held = claims[identity]?[source] {
                    held.merge(update)
                    claims[identity]?[source] = held.hasEnded ? nil : held
                } else if !update.hasEnded, (claims[identity]?.count ?? 0) < Self.claimsPerSite {
                    claims[identity, default: [:]][source] = update
                }
                continue
            }
            if var record = records[identity] {
                guard record.type == update.type else {
                    applied.problems.append("\(identity) was a \(record.type.name), not a \(update.type.name)")
                    continue
                }
                let before = record
                record.merge(update)
                if record.hasEnded {
                    if before.type == .link, before.operStatus == "up" { applied.connectionLost = true }
                    remove(identity)
                    applied.changed = true
                    continue
                }
                if record != before {
                    if record.type == .link, before.operStatus == "up", record.operStatus != "up" { applied.connectionLost = true }
                    if record.type == .routerAccess, let was = before.linkCount, let now = record.linkCount, now < was { applied.connectionLost = true }
                    if record.type == .routerAccess, let was = before.linkCount, let now = record.linkCount, now > was { applied.connectionGained = true }
                    if record.type == .link, before.operStatus != "up", record.operStatus == "up" { applied.connectionGained = true }
                    records[identity] = record
                    // Counters alone (a LINK's octets) change nothing of the view.
                    if record.type == .transportFlow || record.withoutCounters != before.withoutCounters { applied.changed = true }
                }
            } else {
                guard !update.hasEnded else { continue }
                guard (bySource[source]?.count ?? 0) < limits.recordsPerSource, records.count < limits.records else {
                    applied.problems.append("\(update.type.name) \(identity) not kept: the store holds as many records as it may")
                    continue
                }
                records[identity] = update
                owners[identity] = source
                bySource[source, default: []].insert(identity)
                if update.type == .link { links.insert(identity) }
                applied.changed = true
            }
            if update.type == .link, let peer = update.peer, let prefix = FlowRecord.sourcePrefix(of: peer), !known(String(prefix)) {
                applied.referencedSources.insert(String(prefix))
            }
        }
        return applied
    }

    /// Forgets every record of a source (it left); returns whether any was held.
    @discardableResult
    public mutating func purge(source: String) -> Bool {
        for identity in Array(claims.keys) {
            claims[identity]?.removeValue(forKey: source)
            if claims[identity]?.isEmpty == true { claims.removeValue(forKey: identity) }
        }
        guard let identities = bySource.removeValue(forKey: source) else { return false }
        for identity in identities { drop(identity) }
        return !identities.isEmpty
    }

    /// The identities of a source's records that a full resend of it (its answer to a FLUSH) describes again: all
    /// but its flows.
    public func resent(by source: String) -> Set<String> {
        (bySource[source] ?? []).filter { records[$0]?.type != .transportFlow }
    }

    /// Forgets those of `identities` the source still describes: records its full resend left out, which ended
    /// while their END did not reach this collector. Returns whether any was held.
    @discardableResult
    public mutating func forget(_ identities: Set<String>, of source: String) -> Bool {
        var forgotten = false
        for identity in identities where owners[identity] == source {
            bySource[source]?.remove(identity)
            drop(identity)
            forgotten = true
        }
        return forgotten
    }

    /// The sources the up LINKs of the `from` sources reached (the prefixes of their peers' identities): routers
    /// another router still holds a connection to.
    public func reachedSources(from sources: Set<String>) -> Set<String> {
        var reached: Set<String> = []
        for identity in links {
            guard let owner = owners[identity], sources.contains(owner), let record = records[identity], record.operStatus == "up",
                let peer = record.peer, let prefix = FlowRecord.sourcePrefix(of: peer)
            else { continue }
            reached.insert(String(prefix))
        }
        return reached
    }

    /// The sources whose ROUTER belongs to `siteId` (its router, or routers).
    public func sources(ofSite siteId: String) -> [String] {
        records.values.compactMap { record in
            record.type == .router && record.parent == siteId ? owners[record.identity] : nil
        }
    }

    /// How many records a source has here.
    public func count(of source: String) -> Int { bySource[source]?.count ?? 0 }

    /// Removes a record its source no longer describes; another source's claim on the same SITE stands now.
    private mutating func drop(_ identity: String) {
        records.removeValue(forKey: identity)
        owners.removeValue(forKey: identity)
        links.remove(identity)
        if let (claimant, record) = claims[identity]?.min(by: { $0.key < $1.key }) {
            claims[identity]?.removeValue(forKey: claimant)
            if claims[identity]?.isEmpty == true { claims.removeValue(forKey: identity) }
            records[identity] = record
            owners[identity] = claimant
            bySource[claimant, default: []].insert(identity)
        }
    }

    private mutating func remove(_ identity: String) {
        records.removeValue(forKey: identity)
        links.remove(identity)
        if let owner = owners.removeValue(forKey: identity) { bySource[owner]?.remove(identity) }
    }
}
