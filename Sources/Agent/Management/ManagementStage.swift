import FoundationEssentials
import HostSupport
import Logging
import Resources
import RouterEntities
import RouterManagement
import RouterRendering

/// The agent's management connection to its router: brings the running router's listeners, connectors and
/// profiles in line with the desired state without a restart, sending only what changed, and asks it every second
/// how its links are and how the listeners whose state may have changed are (every listener only every
/// `fullListingInterval`), and every few seconds how the network is. Owns the connection, the desired live state,
/// what the router is known to have and the last observation. A sync and a poll run beside the loop, each one at a
/// time and apart from each other, so a change never waits for a poll of the network.
struct ManagementStage {
    let logger: Logger
    let pollInterval: TimeInterval
    let networkInterval: TimeInterval
    /// How often every listener is listed, to see those that went down without a change here.
    let fullListingInterval: TimeInterval
    /// Above this many listeners to read, one listing of all of them costs the router less than a READ each (the
    /// router refreshes all its entities before it answers any request: a READ costs it about what a listing does).
    let maximumReads: Int
    private var client: ManagementClient?
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
    private var lastNetworkPoll = Date.distantPast
    private var lastFullListing = Date.distantPast
    /// tcpListeners whose state may change soon: made or changed lately, or whose routing key gained or lost its
    /// connectors in the network; read at each poll until they settle.
    private(set) var watched: Set<String> = []
    /// The routing keys with a connector somewhere in the network, as of the last network poll.
    private var networkConnectors: Set<String> = []
    /// What the router said last; nil while there is no router to ask.
    private(set) var observation: RouterObservation?
    /// When the router was last (re)started or pointed at, and whether it answered since: until it first answers, a
    /// refused change is the router still starting (a debug line), not a failure (a warning), for `startupGrace`.
    private var startedAt = Date.distantPast
    private var answeredSinceStart = false
    static let startupGrace: TimeInterval = 15
    static let quietInterval: TimeInterval = 5

    init(
        logger: Logger, pollInterval: TimeInterval = 1, networkInterval: TimeInterval = 2, fullListingInterval: TimeInterval = 300,
        maximumReads: Int = 2
    ) {
        self.logger = logger
        self.pollInterval = pollInterval
        self.networkInterval = networkInterval
        self.fullListingInterval = fullListingInterval
        self.maximumReads = maximumReads
    }

    /// What a sync or a poll brought back to the loop.
    enum Round: Sendable {
        /// A sync ended: what it did, and what it brought the router to.
        case synced(EntitySync.Outcome, Applied)
        /// A poll ended, having read these listeners.
        case observed(RouterObservation, RouterObserver.ListenerScope)
    }

    /// What a sync brought the router to when it succeeded.
    enum Applied: Sendable {
        /// Every entity (the router's were read first).
        case everything([DesiredRouter.Key: RouterConfig.Entity])
        /// These entities (nil: removed).
        case changes([DesiredRouter.Key: RouterConfig.Entity?])
    }

    /// Points the stage at a router (its local listener and the site's local client certificate), or at none.
    mutating func connect(to endpoint: ManagementEndpoint?) {
        guard client?.endpoint != endpoint else { return }
        client = endpoint.map(ManagementClient.init)
        observation = endpoint == nil ? nil : RouterObservation(unreachable: "not asked yet")
        known = nil
        watched = []
        retryAt = .distantPast
        lastPoll = .distantPast
        lastNetworkPoll = .distantPast
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

    /// The Site is gone: nothing is wanted of a router any more.
    mutating func forget() {
        desired = DesiredRouter()
        hasServices = false
        known = nil
    }

    /// The router restarts from the configuration file: what it has is read again at the next sync.
    mutating func routerRestarted() {
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
        // With no link to follow and no listener whose state may change, only the network poll (or a check that the
        // router still answers, every `quietInterval`) is worth the router's time.
        let quiet = desired.hasSite && !desired.hasLinks && watched.isEmpty && (observation?.isReachable ?? false)
        let network = now.timeIntervalSince(lastNetworkPoll) >= networkInterval
        let sinceLastPoll = now.timeIntervalSince(lastPoll)
        if !polling, sinceLastPoll >= pollInterval, !quiet || network || sinceLastPoll >= Self.quietInterval {
            polling = true
            lastPoll = now
            if network { lastNetworkPoll = now }
            let scope: RouterObserver.ListenerScope
            if now.timeIntervalSince(lastFullListing) >= fullListingInterval || watched.count > maximumReads || !(observation?.isReachable ?? false) {
                lastFullListing = now
                scope = .all
            } else {
                scope = .named(watched.sorted())
            }
            let own = network && desired.hasSite ? ownServices() : nil
            // Links are asked about only when the site has some (every request costs the router its whole size).
            let links = !desired.hasSite || desired.hasLinks
            work.append {
                .routerManaged(.observed(await RouterObserver(client: client).observe(network: network, links: links, listeners: scope, own: own), scope))
            }
        }
        return work
    }

    /// This router's services for the network view: the routing keys of its connectors, and of its listeners but
    /// those that cannot listen.
    private func ownServices() -> RouterObserver.OwnServices {
        let errors = observation?.listenerErrors ?? [:]
        var listening: Set<String> = []
        for (address, names) in desired.listenersByAddress where errors.isEmpty || names.contains(where: { errors[$0] == nil }) {
            listening.insert(address)
        }
        return RouterObserver.OwnServices(listenerAddresses: listening, connectorAddresses: Set(desired.connectorsByAddress.keys))
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
        case .observed(let observed, let scope):
            polling = false
            guard client != nil else { return false }
            let merged = merge(observed, scope: scope)
            let wasReachable = observation?.isReachable ?? false
            if merged.isReachable { answeredSinceStart = true }
            if wasReachable != merged.isReachable {
                if merged.isReachable {
                    logger.info("router management connected")
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
        // A network poll is made every few rounds: the rounds between keep the last one.
        if merged.network == nil { merged.network = observation?.network }
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
        // A routing key that gained or lost its connectors in the network changes its listeners' state soon.
        if let network = observed.network {
            var connectors: Set<String> = []
            for site in network { connectors.formUnion(site.connectorAddresses) }
            for address in connectors.symmetricDifference(networkConnectors) {
                for name in desired.listenersByAddress[address] ?? [] { watched.insert(name) }
            }
            networkConnectors = connectors
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
