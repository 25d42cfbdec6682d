import FoundationEssentials
import Logging
import Resources
import RouterConfig
import RouterManagement
import SiteFiles

/// The agent's management connection to its router: brings the running router's listeners, connectors and
/// profiles in line with the configuration without a restart, and asks it every second how its links and
/// listeners are (and every few seconds how the network is). Owns the connection, what the router is known to
/// have and the last observation. A sync and a poll run beside the loop, each one at a time and apart from each
/// other, so a change never waits for a poll of the network.
struct ManagementStage {
    let logger: Logger
    let pollInterval: TimeInterval
    let networkInterval: TimeInterval
    private var client: ManagementClient?
    /// The configuration the router must have (the last one rendered).
    private var desired: RouterConfig?
    /// Whether `desired` still has to be brought to the router.
    private var pending = false
    /// What the router is known to have: the last configuration synced on this connection (nil: read it first).
    private var known: RouterConfig?
    private var syncing = false
    /// Syncs that failed in a row, and when the next may start: an unreachable router is not asked in a tight loop
    /// (a journal full of the same warning), but again after 0.25 s, 0.5 s, ... up to 5 s, or at once when it answers.
    private var failedSyncs = 0
    private var retryAt = Date.distantPast
    private var lastFailure = ""
    private var polling = false
    private var lastPoll = Date.distantPast
    private var lastNetworkPoll = Date.distantPast
    /// What the router said last; nil while there is no router to ask.
    private(set) var observation: RouterObservation?
    /// When the router was last (re)started or pointed at, and whether it answered since: until it first answers, a
    /// refused change is the router still starting (a debug line), not a failure (a warning), for `startupGrace`.
    private var startedAt = Date.distantPast
    private var answeredSinceStart = false
    static let startupGrace: TimeInterval = 15

    init(logger: Logger, pollInterval: TimeInterval = 1, networkInterval: TimeInterval = 2) {
        self.logger = logger
        self.pollInterval = pollInterval
        self.networkInterval = networkInterval
    }

    /// What a sync or a poll brought back to the loop.
    enum Round: Sendable {
        /// A sync ended: what it did, and the configuration it brought the router to when it succeeded.
        case synced(EntitySync.Outcome, RouterConfig?)
        /// A poll ended.
        case observed(RouterObservation)
    }

    /// Points the stage at a router (its local listener and the site's local client certificate), or at none.
    mutating func connect(to endpoint: ManagementEndpoint?) {
        guard client?.endpoint != endpoint else { return }
        client = endpoint.map(ManagementClient.init)
        observation = endpoint == nil ? nil : RouterObservation(unreachable: "not asked yet")
        known = nil
        pending = desired != nil
        retryAt = .distantPast
        lastPoll = .distantPast
        lastNetworkPoll = .distantPast
        startedAt = Date()
        answeredSinceStart = false
    }

    /// Whether the stage has a configuration to bring the router to (else `want` must be given one).
    var hasDesired: Bool { desired != nil }

    /// The router must be brought to `config` (its live entities).
    mutating func want(_ config: RouterConfig) {
        desired = config
        pending = true
    }

    /// The router restarts from the configuration file: what it has is read again at the next sync.
    mutating func routerRestarted() {
        known = nil
        startedAt = Date()
        answeredSinceStart = false
    }

    /// The sync and the poll that are due, to run beside the loop.
    mutating func work(now: Date) -> [AgentWork] {
        guard let client else { return [] }
        var work: [AgentWork] = []
        if pending, !syncing, now >= retryAt, let desired {
            syncing = true
            pending = false
            let known = known
            let protected: Set<String> = ["\(SitePlan.localAccess)-normal"]
            work.append {
                let outcome = await EntitySync(protectedNames: protected).sync(desired, known: known, client: client)
                return .routerManaged(.synced(outcome, outcome.isClean ? desired : nil))
            }
        }
        if !polling, now.timeIntervalSince(lastPoll) >= pollInterval {
            polling = true
            lastPoll = now
            let network = now.timeIntervalSince(lastNetworkPoll) >= networkInterval
            if network { lastNetworkPoll = now }
            work.append { .routerManaged(.observed(await RouterObserver(client: client).observe(network: network))) }
        }
        return work
    }

    /// Takes in a round; returns whether the observation changed (statuses follow it).
    mutating func received(_ round: Round) -> Bool {
        switch round {
        case .synced(let outcome, let synced):
            syncing = false
            guard client != nil else { return false }
            if !outcome.created.isEmpty || !outcome.deleted.isEmpty {
                logger.info("router changed through management", metadata: ["created": "\(outcome.created.joined(separator: ","))",
                                                                             "deleted": "\(outcome.deleted.joined(separator: ","))"])
            }
            known = synced
            if synced == nil {
                // Tried again later, reading the router's entities first. Said once per kind of failure.
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
                pending = true
            } else {
                if failedSyncs > 0 { logger.info("router change applied", metadata: ["tries": "\(failedSyncs + 1)"]) }
                failedSyncs = 0
                lastFailure = ""
                retryAt = .distantPast
            }
            if synced != nil, synced != desired {
                pending = true
            }
            return false
        case .observed(var observed):
            polling = false
            guard client != nil else { return false }
            // A network poll is made every few rounds: the rounds between keep the last one.
            if observed.network == nil, observed.isReachable { observed.network = observation?.network }
            let wasReachable = observation?.isReachable ?? false
            if observed.isReachable { answeredSinceStart = true }
            if wasReachable != observed.isReachable {
                if observed.isReachable {
                    logger.info("router management connected")
                    // Maybe a router started afresh: what it has is read again and brought in line, at once.
                    known = nil
                    pending = desired != nil
                    retryAt = .distantPast
                } else {
                    logger.notice("router management unreachable", metadata: ["reason": "\(observed.unreachable ?? "")"])
                }
            }
            let changed = observed != observation
            observation = observed
            return changed
        }
    }
}
