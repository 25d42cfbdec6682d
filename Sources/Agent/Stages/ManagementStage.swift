import Foundation
import Logging
import Resources
import RouterConfig
import RouterManagement
import SiteFiles

/// The agent's management connection to its router: brings the running router's listeners, connectors and
/// profiles in line with the configuration without a restart, and asks it every second how its links and
/// listeners are (and every few seconds how the network is). Owns the connection, what was last synced and the
/// last observation; the calls run beside the loop, one at a time.
struct ManagementStage {
    let logger: Logger
    let pollInterval: TimeInterval
    let networkInterval: TimeInterval
    private var client: ManagementClient?
    /// The configuration the router must be brought to, until a sync succeeds.
    private var pending: RouterConfig?
    private var busy = false
    private var lastPoll = Date.distantPast
    private var lastNetworkPoll = Date.distantPast
    /// What the router said last; nil while there is no router to ask.
    private(set) var observation: RouterObservation?

    init(logger: Logger, pollInterval: TimeInterval = 1, networkInterval: TimeInterval = 2) {
        self.logger = logger
        self.pollInterval = pollInterval
        self.networkInterval = networkInterval
    }

    /// One round's outcome, as the loop hands it back.
    struct Round: Sendable {
        var observation: RouterObservation
        var synced: RouterConfig?
        var sync: EntitySync.Outcome?
    }

    /// Points the stage at a router (its local listener and the site's local client certificate), or at none.
    mutating func connect(to endpoint: ManagementEndpoint?) {
        guard client?.endpoint != endpoint else { return }
        client = endpoint.map(ManagementClient.init)
        observation = endpoint == nil ? nil : RouterObservation(unreachable: "not asked yet")
        lastPoll = .distantPast
        lastNetworkPoll = .distantPast
    }

    /// The router must be brought to `config` (its live entities); the next round syncs it.
    mutating func want(_ config: RouterConfig) {
        pending = config
        lastPoll = .distantPast
    }

    /// The router was (re)started from the file, which holds the whole configuration: nothing to sync.
    mutating func restarted() {
        pending = nil
    }

    /// A round of sync and observation, when one is due and none is under way.
    mutating func roundIfDue(now: Date) -> AgentWork? {
        guard let client, !busy, now.timeIntervalSince(lastPoll) >= pollInterval else { return nil }
        busy = true
        lastPoll = now
        let network = now.timeIntervalSince(lastNetworkPoll) >= networkInterval
        if network { lastNetworkPoll = now }
        let pending = pending
        let protected: Set<String> = ["\(SitePlan.localAccess)-normal"]
        return {
            var round = Round(observation: RouterObservation(unreachable: "not asked"))
            if let pending {
                let outcome = await EntitySync(protectedNames: protected).sync(pending, client: client)
                round.sync = outcome
                if outcome.isClean { round.synced = pending }
            }
            round.observation = await RouterObserver(client: client).observe(network: network)
            return .routerManaged(round)
        }
    }

    /// Takes in a round; returns whether the observation changed (statuses follow it).
    mutating func received(_ round: Round) -> Bool {
        busy = false
        guard client != nil else { return false }
        if let outcome = round.sync {
            if !outcome.created.isEmpty || !outcome.deleted.isEmpty {
                logger.info("router changed through management", metadata: ["created": "\(outcome.created.joined(separator: ","))",
                                                                             "deleted": "\(outcome.deleted.joined(separator: ","))"])
            }
            if !outcome.isClean {
                logger.warning("router change not applied: will retry", metadata: ["failures": "\(outcome.failures.joined(separator: "; "))"])
            }
        }
        if let synced = round.synced, synced == pending { pending = nil }
        var observed = round.observation
        // A network poll is made every few rounds: the rounds between keep the last one.
        if observed.network == nil, observed.isReachable { observed.network = observation?.network }
        if observation?.isReachable != observed.isReachable {
            if observed.isReachable { logger.info("router management connected") } else {
                logger.notice("router management unreachable", metadata: ["reason": "\(observed.unreachable ?? "")"])
            }
        }
        let changed = observed != observation
        observation = observed
        return changed
    }
}
