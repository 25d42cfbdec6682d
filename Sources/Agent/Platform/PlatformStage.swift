import FoundationEssentials
import Logging
import Platforms
import Resources
import SiteFiles

/// The router as the platform runs it: applied when the configuration changed or the router is unhealthy,
/// torn down when the Site goes, and checked every `checkInterval`, all beside the loop (an engine pulling an image
/// or not answering never holds up a change or the watchdog), so a router that died shows in the statuses and is
/// started again, with a backoff while it keeps exiting (`RestartBackoff`). One effect runs at a time; what is asked
/// meanwhile waits as one coalesced request.
struct PlatformStage {
    let platform: any RouterPlatform
    let layout: SiteLayout
    let logger: Logger
    let checkInterval: TimeInterval
    private(set) var state = PlatformState(.stopped, "not started")
    /// Whether a router was set up for a Site (so that removing the Site tears it down).
    private(set) var hasSite = false
    /// Whether the router was applied at least once since its Site came (so there is something to manage).
    private(set) var applied = false
    private var lastCheck = Date.distantPast
    private var checking = false
    /// Effects started so far, and how many had started when the check under way began: a check that an effect
    /// overtook says nothing about what the effect made.
    private var effects = 0
    private var effectsAtCheck = 0
    /// Restarts of a router that exited: when the next may start.
    private(set) var backoff = RestartBackoff()
    /// The effect under way (an apply or a teardown), if any.
    private(set) var inFlight: Request?
    /// What was asked while an effect ran: the latest wish, the changes of every apply folded into it.
    private(set) var queued: Request?

    init(platform: any RouterPlatform, layout: SiteLayout, logger: Logger, checkInterval: TimeInterval) {
        self.platform = platform
        self.layout = layout
        self.logger = logger
        self.checkInterval = checkInterval
    }

    /// One thing asked of the platform.
    enum Request: Sendable, Hashable {
        case apply(Apply)
        case teardown
    }

    /// The site as it must run, and whether what it runs changed since the last apply.
    struct Apply: Sendable, Hashable {
        var siteName: String
        var siteId: String
        var settings: [String: String]
        var configChanged: Bool
        /// A router that exited is being started again (after its backoff).
        var restarting = false
    }

    /// How an effect ended, brought back to the loop.
    enum Outcome: Sendable, Hashable {
        case applied(Apply, Result<PlatformState, PlatformFailure>)
        case tornDown(failure: String?)
    }

    /// Why the platform could not do what was asked, in its words.
    struct PlatformFailure: Error, Sendable, Hashable {
        var message: String
    }

    /// Whether an effect is under way.
    var isBusy: Bool { inFlight != nil }

    /// Asks the platform to apply the site when something it runs changed, when `force`, or while it is unhealthy;
    /// returns the work to run when no other effect is under way. A router that exited waits for its restart's time
    /// unless something it runs changed (which may mend it).
    mutating func apply(site: TypedResource<SiteSpec>, identity: SiteIdentity, configChanged: Bool, force: Bool, now: Date = Date()) -> AgentWork? {
        let wasSet = hasSite
        hasSite = true
        guard configChanged || force || !state.isHealthy || !wasSet else { return nil }
        var request = Apply(siteName: site.name, siteId: identity.siteId, settings: site.spec.settings, configChanged: configChanged)
        if inFlight != nil {
            // The effect under way reports how the router is; only a change of what it runs (or a Site back after
            // its teardown was asked) must follow it.
            switch queued {
            case .apply(let earlier)?:
                request.configChanged = request.configChanged || earlier.configChanged
                queued = .apply(request)
            case .teardown?:
                request.configChanged = true
                queued = .apply(request)
            case nil:
                guard configChanged || force || inFlight == .teardown else { return nil }
                if inFlight == .teardown { request.configChanged = true }
                queued = .apply(request)
            }
            return nil
        }
        if !configChanged && !force && backoff.isWaiting(now: now) { return nil }
        if let immediate = platform.immediateState(layout: layout) {
            // Nothing runs: the state is known without work.
            state = immediate
            applied = true
            lastCheck = now
            return nil
        }
        request.restarting = backoff.restartAt != nil
        backoff.restarted()
        return start(.apply(request))
    }

    /// Asks the platform to tear the router down once its Site is gone; returns whether there was one (its
    /// configuration goes with it) and the work to run.
    mutating func teardown() -> (removed: Bool, work: AgentWork?) {
        state = PlatformState(.stopped, "no Site is defined")
        guard hasSite else { return (false, nil) }
        hasSite = false
        applied = false
        if inFlight != nil {
            queued = .teardown
            return (true, nil)
        }
        if platform.immediateState(layout: layout) != nil { return (true, nil) }
        return (true, start(.teardown))
    }

    /// The work that carries out `request`, marked as under way.
    private mutating func start(_ request: Request) -> AgentWork {
        inFlight = request
        effects += 1
        if case .apply = request, state.phase == .stopped {
            state = PlatformState(.starting, "the \(platform.kind.rawValue) platform is starting the router")
        }
        let platform = platform, layout = layout
        switch request {
        case .apply(let apply):
            return {
                do {
                    let state = try await platform.apply(
                        layout: layout, siteName: apply.siteName, siteId: apply.siteId, settings: apply.settings,
                        configChanged: apply.configChanged)
                    return .platformApplied(.applied(apply, .success(state)))
                } catch {
                    return .platformApplied(.applied(apply, .failure(PlatformFailure(message: "\(error)"))))
                }
            }
        case .teardown:
            return {
                do {
                    try await platform.teardown(layout: layout)
                    return .platformApplied(.tornDown(failure: nil))
                } catch {
                    return .platformApplied(.tornDown(failure: "\(error)"))
                }
            }
        }
    }

    /// Takes in how an effect ended; returns whether the router's state changed (statuses follow it) and the work
    /// of what was asked meanwhile.
    mutating func finished(_ outcome: Outcome, now: Date = Date()) -> (changed: Bool, next: AgentWork?) {
        inFlight = nil
        let before = state
        switch outcome {
        case .applied(let request, .success(let observed)) where hasSite:
            applied = true
            state = observed
            if observed.phase == .running { backoff.up(now: now) }
            if request.restarting && observed.phase == .running {
                // Running it is not yet: the next check says whether it stays up this time.
                state = PlatformState(.starting, "the router was started again after it exited \(backoff.exits) time\(backoff.exits == 1 ? "" : "s")")
                logger.notice("router started again", metadata: ["exits": "\(backoff.exits)"])
            }
        case .applied(_, .failure(let failure)) where hasSite:
            logger.error("platform could not run the router", metadata: ["platform": "\(platform.kind.rawValue)", "error": "\(failure.message)"])
            state = down(PlatformState(.failed, failure.message), now: now)
        case .applied:
            // Its Site went meanwhile: the teardown queued behind it decides.
            break
        case .tornDown(let failure?):
            logger.error("platform could not remove the router", metadata: ["platform": "\(platform.kind.rawValue)", "error": "\(failure)"])
        case .tornDown(nil):
            logger.info("site removed: router stopped and configuration removed")
        }
        lastCheck = now
        var next: AgentWork?
        if let request = queued {
            queued = nil
            next = start(request)
        }
        return (state != before, next)
    }

    /// The state of a router that exited or could not be started, seen at `now`: the restart is put off by the
    /// backoff's wait, and the message says how it ended and that it is started again, the same words at every
    /// attempt (the wait and the count go to the log), so a router that keeps failing the same way is one status.
    private mutating func down(_ observed: PlatformState, now: Date) -> PlatformState {
        let delay = backoff.exited(now: now)
        logger.warning(
            "router is down: starting it again after a wait",
            metadata: [
                "reason": "\(observed.message)", "exits": "\(backoff.exits)", "restartIn": "\(Int(delay.rounded()))s",
            ])
        return PlatformState(observed.phase, observed.message + Self.restartNote)
    }

    /// What a down router's state adds to its reason.
    static let restartNote = "; started again with a backoff (1 s doubling to 60 s)"

    /// A check of the router's state, when one is due and no check or effect is under way. A running router the
    /// platform can watch is watched instead: the check ends when it exits.
    mutating func checkIfDue(now: Date) -> AgentWork? {
        guard hasSite, inFlight == nil, !checking else { return nil }
        let platform = platform, layout = layout
        if platform.watchesExit, state.phase == .running {
            checking = true
            effectsAtCheck = effects
            return {
                await platform.waitForExit(layout: layout)
                return .platformObserved(await platform.state(layout: layout))
            }
        }
        // A watched router started again is checked every second until it is seen up, then watched.
        let interval = platform.watchesExit && state.phase == .starting ? min(1, checkInterval) : checkInterval
        guard now.timeIntervalSince(lastCheck) >= interval else { return nil }
        lastCheck = now
        checking = true
        effectsAtCheck = effects
        return { .platformObserved(await platform.state(layout: layout)) }
    }

    /// Whether a router that exited is due to be started again.
    func restartIsDue(now: Date) -> Bool { hasSite && inFlight == nil && backoff.isDue(now: now) }

    /// Takes in what a check found; returns whether the statuses and the site must be decided again (the state
    /// changed). A router that exited is started again after the backoff's wait, and meanwhile its state says that
    /// it exits, how (its exit status or signal and its log's last line) and when it is started again.
    mutating func observed(_ observed: PlatformState, now: Date = Date()) -> Bool {
        checking = false
        // An effect under way (or begun since the check did) reports for itself.
        guard hasSite, inFlight == nil, effects == effectsAtCheck else { return false }
        var next = observed
        if observed.isHealthy {
            backoff.up(now: now)
        } else if observed.phase == .starting {
            // Its runner (systemd, the engine) is bringing it up: nothing to restart.
        } else if backoff.restartAt == nil {
            next = down(observed, now: now)
        } else {
            // Still down while its restart waits: the state already says so.
            return false
        }
        if next != state {
            logger.notice("router state changed", metadata: ["from": "\(state.phase.rawValue)", "to": "\(next.phase.rawValue)", "message": "\(next.message)"])
        }
        let changed = next != state
        state = next
        return changed
    }
}
