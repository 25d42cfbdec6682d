import FlowRecords
import FoundationEssentials
import HostSupport
import Logging
import NetworkConsole
import Resources
import RouterEntities
import RouterManagement
import RouterRendering
import SiteFiles

/// The agent's management connection to its router: brings the running router's listeners, connectors and
/// profiles in line with the desired state without a restart, sending only what changed; asks it every second how
/// the listeners whose state may have changed are (every listener only every `fullListingInterval`; only whether it
/// answers, every `quietInterval`, while nothing changes); and follows the whole network, links and services, through
/// the routers' flow records on the same connection (`FlowCollector`): no other router is asked anything. Owns the
/// connection, the desired live state, what the router is known to have, the network view and the last observation.
/// A sync, a poll and the wait for the network's next change run beside the loop, each one at a time.
struct ManagementStage {
    let logger: Logger
    let pollInterval: TimeInterval
    /// Where v2's network-status ConfigMap is written (nil: not written).
    let networkStatusFile: URL?
    let namespace: String
    /// At most one network view per this long while the network churns (the first change after a quiet spell at once).
    static let viewInterval: Duration = .seconds(1)
    /// How often every listener is listed, to see those that went down without a change here.
    let fullListingInterval: TimeInterval
    /// Above this many listeners to read, one listing of all of them costs the router less than a READ each (the
    /// router refreshes all its entities before it answers any request: a READ costs it about what a listing does).
    let maximumReads: Int
    private var client: ManagementClient?
    /// The network's flow records, followed over `client`'s connection.
    private var collector: FlowCollector?
    /// This site's id, to tell its own records from the network's.
    private var siteId: String?
    /// The view as of the collector's `viewVersion`, and whether a wait for its next change runs.
    private(set) var view: NetworkView?
    private var viewVersion: UInt64 = 0
    private var watchingFlows = false
    private var lastView = ContinuousClock.now - .seconds(60)
    /// The network-status text to write, and whether a write runs.
    private var networkStatus: String?
    private var writingNetworkStatus = false
    /// Whether the local router's address table was read for the routers it reaches since the connection opened,
    /// and whether a read runs.
    private var discoveredSinceConnect = false
    private var discovering = false
    /// When to read it again: a link came up somewhere, and the routers behind it are reachable once their addresses
    /// spread (read twice: soon, and once more a little later).
    private var discoveries: [Date] = []
    /// The collector's count of connections made, as of the last view.
    private var connectionsGained: UInt64 = 0
    /// What the router must have (one state, kept one change at a time, that the file is rendered beside).
    private(set) var desired = DesiredRouter()
    /// Whether the services were given once (until then, every one is given at the next change).
    private(set) var hasServices = false
    /// What the router is known to have, by entity: what syncs on this connection made it (nil: read it first).
    private var known: [DesiredRouter.Key: RouterConfig.Entity]?
    private var syncing = false
    /// Syncs that failed in a row, and when the next may start: an unreachable router is not asked in a tight loop
    /// (a journal full of the same warning), but again after 0.25 s, 0.5 s, ... up to 5 s, or at once when it answers.
    private var failedSyncs = 0
    private var retryAt = Date.distantPast
    private var lastFailure = ""
    private var polling = false
    private var lastPoll = Date.distantPast
    private var lastFullListing = Date.distantPast
    /// tcpListeners whose state may change soon: made or changed lately, or whose routing key gained or lost its
    /// connectors in the network; read at each poll until they settle.
    private(set) var watched: Set<String> = []
    /// The routing keys with a connector somewhere in the network, as of the last view.
    private var networkConnectors: Set<String> = []
    /// What the router said last; nil while there is no router to ask.
    private(set) var observation: RouterObservation?
    /// When the router was last (re)started or pointed at, and whether it answered since: until it first answers, a
    /// refused change is the router still starting (a debug line), not a failure (a warning), for `startupGrace`.
    private var startedAt = Date.distantPast
    private var answeredSinceStart = false
    static let startupGrace: TimeInterval = 15
    static let quietInterval: TimeInterval = 5

    /// The console reading the collector's records, if one runs, and how long it keeps a closed connection.
    let console: ConsoleFeed?
    let connectionRetention: Duration

    init(
        logger: Logger, networkStatusFile: URL? = nil, namespace: String = "default", pollInterval: TimeInterval = 1,
        fullListingInterval: TimeInterval = 300, maximumReads: Int = 2, console: ConsoleFeed? = nil, connectionRetention: Duration = .seconds(900)
    ) {
        self.logger = logger
        self.console = console
        self.connectionRetention = connectionRetention
        self.networkStatusFile = networkStatusFile
        self.namespace = namespace
        self.pollInterval = pollInterval
        self.fullListingInterval = fullListingInterval
        self.maximumReads = maximumReads
    }

    /// What a sync, a poll or the network brought back to the loop.
    enum Round: Sendable {
        /// A sync ended: what it did, and what it brought the router to.
        case synced(EntitySync.Outcome, Applied)
        /// A poll ended, having read these listeners.
        case observed(RouterObservation, RouterObserver.ListenerScope)
        /// The network changed: the view as of the collector's version, and v2's network-status document of it.
        case network(version: UInt64, NetworkView, networkStatus: String, connectionsGained: UInt64)
        /// The routers the local router reaches were read (and handed to the collector).
        case discovered
        /// The network-status document was written (or why not).
        case networkStatusWritten(failure: String?)
    }

    /// What a sync brought the router to when it succeeded.
    enum Applied: Sendable {
        /// Every entity (the router's were read first).
        case everything([DesiredRouter.Key: RouterConfig.Entity])
        /// These entities (nil: removed).
        case changes([DesiredRouter.Key: RouterConfig.Entity?])
    }

    /// Points the stage at a router (its local listener and the site's local client certificate), or at none;
    /// `siteId` tells this site's records from the network's.
    mutating func connect(to endpoint: ManagementEndpoint?, siteId: String?) {
        self.siteId = siteId
        guard client?.endpoint != endpoint else { return }
        var settings = FlowCollector.Settings()
        settings.followFlows = console != nil
        settings.connectionLimits.retention = UInt64(clamping: connectionRetention.components.seconds) &* 1_000_000
        let collector = endpoint.map { _ in FlowCollector(ownSiteId: siteId, settings: settings, logger: logger) }
        self.collector = collector
        console?.follow(collector)
        client = endpoint.map { ManagementClient(endpoint: $0, flows: collector) }
        view = nil
        viewVersion = 0
        watchingFlows = false
        discovering = false
        discoveredSinceConnect = false
        discoveries = []
        connectionsGained = 0
        observation = endpoint == nil ? nil : RouterObservation(unreachable: "not asked yet")
        known = nil
        watched = []
        retryAt = .distantPast
        lastPoll = .distantPast
        lastFullListing = .distantPast
        startedAt = Date()
        answeredSinceStart = false
    }

    /// Whether the site's own entities were given (else nothing is brought to the router).
    var hasDesired: Bool { desired.hasSite }

    /// The router must have the live entities of `site` (the configuration but its services) and, for the services
    /// rendered again (`rerendered`; nil: every one), what `services` holds of them.
    mutating func want(site: RouterConfig, rerendered: Set<ResourceID>?, services: RenderedServices, all: () -> Set<ResourceID>) {
        desired.setSite(site)
        if let rerendered, hasServices {
            for id in rerendered { desired.setService(id, services.entities(of: id)) }
        } else {
            desired.replaceServices(all()) { services.entities(of: $0) }
            hasServices = true
        }
    }

    /// The agent stops: the connection's thread ends once its calls have run (nothing is asked any more).
    func close() { client?.close() }

    /// The Site is gone: nothing is wanted of a router any more.
    mutating func forget() {
        desired = DesiredRouter()
        hasServices = false
        known = nil
    }

    /// The router restarts from the configuration file: what it has is read again at the next sync.
    mutating func routerRestarted() {
        if let collector, let siteId {
            collector.routerRestarted(siteId: siteId)
            client?.wake()
            discoveries = [Date().addingTimeInterval(1), Date().addingTimeInterval(3)]
        }
        known = nil
        lastFullListing = .distantPast
        startedAt = Date()
        answeredSinceStart = false
    }

    /// The sync and the poll that are due, to run beside the loop.
    mutating func work(now: Date) -> [AgentWork] {
        guard let client else { return [] }
        var work: [AgentWork] = []
        if desired.hasSite, !syncing, now >= retryAt, known == nil || !desired.changed.isEmpty {
            syncing = true
            let protected: Set<String> = ["\(SitePlan.localAccess)-normal"]
            if let known {
                let changes = desired.takeChanges()
                let wanted = RouterConfig(entities: changes.keys.sorted().compactMap { changes[$0] ?? nil })
                let had = RouterConfig(entities: changes.keys.sorted().compactMap { known[$0] })
                work.append {
                    let outcome = await EntitySync(protectedNames: protected).sync(wanted, known: had, client: client)
                    return .routerManaged(.synced(outcome, .changes(changes)))
                }
            } else {
                _ = desired.takeChanges()
                let everything = desired.entities
                let config = desired.config
                work.append {
                    let outcome = await EntitySync(protectedNames: protected).sync(config, known: nil, client: client)
                    return .routerManaged(.synced(outcome, .everything(everything)))
                }
            }
        }
        // With no listener whose state may change, only a check that the router still answers (every
        // `quietInterval`) is worth the router's time: links and the network come from the flow records.
        let quiet = watched.isEmpty && (observation?.isReachable ?? false)
        let sinceLastPoll = now.timeIntervalSince(lastPoll)
        if !polling, sinceLastPoll >= pollInterval, !quiet || sinceLastPoll >= Self.quietInterval {
            polling = true
            lastPoll = now
            let scope: RouterObserver.ListenerScope
            if now.timeIntervalSince(lastFullListing) >= fullListingInterval || watched.count > maximumReads || !(observation?.isReachable ?? false) {
                lastFullListing = now
                scope = .all
            } else {
                scope = .named(watched.sorted())
            }
            work.append { .routerManaged(.observed(await RouterObserver(client: client).observe(listeners: scope), scope)) }
        }
        if let collector {
            if !watchingFlows {
                watchingFlows = true
                let (seen, last, siteId, namespace) = (viewVersion, lastView, siteId, namespace)
                work.append {
                    let version = await collector.nextChange(after: seen)
                    // While the network churns, one view a second: the statuses follow it no faster.
                    let due = last + Self.viewInterval
                    if ContinuousClock.now < due { try? await Task.sleep(until: due, clock: .continuous) }
                    let records = collector.records
                    let view = NetworkView(records: records, ownSiteId: siteId)
                    let yaml = NetworkStatusDocument.yaml(records: records, namespace: namespace)
                    return .routerManaged(.network(version: version, view, networkStatus: yaml, connectionsGained: collector.connectionsGained))
                }
            }
            if !discovering, let due = discoveries.first, due <= now {
                discoveries.removeFirst()
                discovering = true
                discoveredSinceConnect = true
                work.append(discovery(client: client, collector: collector))
            } else if !discovering, !discoveredSinceConnect, observation?.isReachable == true {
                // The local router's address table names every router it reaches (`sfe.<source>`): followed at once,
                // not after their next beacon (up to 10 s). Once: its answer brings this stage here again at once.
                discovering = true
                discoveredSinceConnect = true
                work.append(discovery(client: client, collector: collector))
            }
        }
        if let file = networkStatusFile, !writingNetworkStatus, let text = networkStatus {
            writingNetworkStatus = true
            networkStatus = nil
            work.append {
                let failure = try? await Offload.run { () -> String? in
                    do {
                        _ = try AtomicFile.write(text, to: file)
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
                return .routerManaged(.networkStatusWritten(failure: failure ?? nil))
            }
        }
        return work
    }

    /// Reads the routers the local router reaches from its address table, for the collector to follow.
    private func discovery(client: ManagementClient, collector: FlowCollector) -> AgentWork {
        {
            let answer = try? await client.perform(.query(RouterObserver.address, attributes: ["key"]), timeout: .seconds(2))
            let keys = answer?.entities.compactMap { $0["key"]?.text } ?? []
            collector.discovered(sourceIds: keys.compactMap(FlowCollector.sourceId(inAddressKey:)))
            client.wake()
            return .routerManaged(.discovered)
        }
    }

    /// Takes in a round; returns whether the observation changed (statuses follow it).
    mutating func received(_ round: Round) -> Bool {
        switch round {
        case .synced(let outcome, let applied):
            syncing = false
            guard client != nil else { return false }
            if !outcome.created.isEmpty || !outcome.deleted.isEmpty {
                logger.info(
                    "router changed through management",
                    metadata: [
                        "created": "\(outcome.created.joined(separator: ","))",
                        "deleted": "\(outcome.deleted.joined(separator: ","))",
                    ])
            }
            guard outcome.isClean else {
                // Tried again later, reading the router's entities first. Said once per kind of failure.
                known = nil
                let failure = outcome.failures.joined(separator: "; ")
                failedSyncs += 1
                retryAt = Date().addingTimeInterval(Backoff.delay(afterFailures: failedSyncs, initial: 0.25, maximum: 5))
                if !answeredSinceStart && Date().timeIntervalSince(startedAt) < Self.startupGrace {
                    // Not remembered as said: if the router never answers, the warning comes once the grace is over.
                    logger.debug("router not answering yet (starting): the change waits for it", metadata: ["failures": "\(failure)"])
                } else if failure != lastFailure {
                    logger.warning("router change not applied: will retry", metadata: ["failures": "\(failure)"])
                    lastFailure = failure
                } else {
                    logger.debug("router change not applied again", metadata: ["tries": "\(failedSyncs)", "failures": "\(failure)"])
                }
                return false
            }
            if failedSyncs > 0 { logger.info("router change applied", metadata: ["tries": "\(failedSyncs + 1)"]) }
            failedSyncs = 0
            lastFailure = ""
            retryAt = .distantPast
            switch applied {
            case .everything(let entities):
                known = entities
                lastFullListing = .distantPast
                return false
            case .changes(let changes):
                for (key, entity) in changes { known?[key] = entity }
                return follow(changes)
            }
        case .network(let version, let view, let text, let gained):
            watchingFlows = false
            guard collector != nil else { return false }
            viewVersion = version
            lastView = ContinuousClock.now
            self.view = view
            networkStatus = text
            let connectors = view.sites.reduce(into: Set<String>()) { $0.formUnion($1.connectorAddresses) }
            // A routing key that gained or lost its connectors in the network changes its listeners' state soon.
            for address in connectors.symmetricDifference(networkConnectors) {
                for name in desired.listenersByAddress[address] ?? [] { watched.insert(name) }
            }
            networkConnectors = connectors
            if gained != connectionsGained {
                // A connection was made: the routers behind it are in the address table once their addresses spread.
                connectionsGained = gained
                let now = Date()
                discoveries = [now.addingTimeInterval(1), now.addingTimeInterval(3)]
            }
            guard var observation else { return false }
            take(view, into: &observation)
            let changed = observation != self.observation
            self.observation = observation
            return changed
        case .discovered:
            discovering = false
            return false
        case .networkStatusWritten(let failure):
            writingNetworkStatus = false
            if let failure { logger.warning("network status not written", metadata: ["file": "\(NetworkStatusDocument.fileName)", "error": "\(failure)"]) }
            return false
        case .observed(let observed, let scope):
            polling = false
            guard client != nil else { return false }
            var merged = merge(observed, scope: scope)
            if merged.isReachable, let view { take(view, into: &merged) }
            let wasReachable = observation?.isReachable ?? false
            if merged.isReachable { answeredSinceStart = true }
            if wasReachable != merged.isReachable {
                if merged.isReachable {
                    logger.info("router management connected")
                    discoveredSinceConnect = false
                    // Maybe a router started afresh: what it has is read again and brought in line, at once.
                    known = nil
                    retryAt = .distantPast
                } else {
                    logger.notice("router management unreachable", metadata: ["reason": "\(merged.unreachable ?? "")"])
                }
            }
            let changed = merged != observation
            observation = merged
            return changed
        }
    }

    /// The network and this site's links as the records tell them, in an observation of the router; nothing until
    /// this site's own router was heard (its links and sites are not known before).
    /// A listener of this site that cannot listen is no way into its service: it does not count as a match.
    private func take(_ view: NetworkView, into observation: inout RouterObservation) {
        guard observation.isReachable, view.hasOwnRouter else { return }
        var sites = view.sites
        let errors = observation.listenerErrors
        if !errors.isEmpty, let own = sites.firstIndex(where: { $0.siteId == siteId }) {
            sites[own].listenerAddresses = sites[own].listenerAddresses.filter { address in
                guard let names = desired.listenersByAddress[address] else { return true }
                return names.contains { errors[$0] == nil }
            }
        }
        observation.network = sites
        observation.links = view.ownLinks
    }

    /// Watches the tcpListeners a sync made or changed; forgets the state of those it removed. Returns whether the
    /// observation changed.
    private mutating func follow(_ changes: [DesiredRouter.Key: RouterConfig.Entity?]) -> Bool {
        var changed = false
        for (key, entity) in changes where key.type == "tcpListener" {
            if entity != nil {
                watched.insert(key.name)
            } else {
                watched.remove(key.name)
                if observation?.listenersUp.remove(key.name) != nil { changed = true }
                if observation?.listenerErrors.removeValue(forKey: key.name) != nil { changed = true }
            }
        }
        return changed
    }

    /// The observation a poll makes of what it read, over what earlier polls saw of the rest; the listeners that
    /// settled are no longer watched.
    private mutating func merge(_ observed: RouterObservation, scope: RouterObserver.ListenerScope) -> RouterObservation {
        guard observed.isReachable else { return observed }
        var merged = observed
        let read: [String]
        switch scope {
        case .all:
            read = Array(watched)
        case .named(let names):
            read = names
            merged.listenersUp = observation?.listenersUp ?? []
            merged.listenerErrors = observation?.listenerErrors ?? [:]
            for name in names {
                if observed.listenersUp.contains(name) { merged.listenersUp.insert(name) } else { merged.listenersUp.remove(name) }
                merged.listenerErrors[name] = observed.listenerErrors[name]
            }
        }
        // Settled: up, failing, or down with nothing in the network to connect to (as expected).
        for name in read where watched.contains(name) {
            let address = desired.entities[DesiredRouter.Key(type: "tcpListener", name: name)]?.text("address")
            let expectedUp = address.map(networkConnectors.contains) ?? false
            if merged.listenersUp.contains(name) || merged.listenerErrors[name] != nil || !expectedUp { watched.remove(name) }
        }
        return merged
    }
}
