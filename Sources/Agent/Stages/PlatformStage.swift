import FoundationEssentials
import Logging
import Platforms
import Resources
import SiteFiles

/// The router as the platform runs it: applied when the configuration changed or the router is unhealthy,
/// torn down when the Site goes, and checked every `checkInterval` (off the loop) so a router that died shows
/// in the statuses and is started again, with a backoff while it keeps exiting (`RestartBackoff`).
struct PlatformStage {
    let platform: any RouterPlatform
    let layout: SiteLayout
    let logger: Logger
    let checkInterval: TimeInterval
    private(set) var state = PlatformState(.stopped, "not started")
    /// Whether a router was set up for a Site (so that removing the Site tears it down).
    private(set) var hasSite = false
    private var lastCheck = Date.distantPast
    private var checking = false
    /// Restarts of a router that exited: when the next may start.
    private(set) var backoff = RestartBackoff()

    init(platform: any RouterPlatform, layout: SiteLayout, logger: Logger, checkInterval: TimeInterval) {
        self.platform = platform
        self.layout = layout
        self.logger = logger
        self.checkInterval = checkInterval
    }

    /// Applies the site to the platform when something it runs changed, when `force`, or while it is unhealthy.
    /// A router that exited waits for its restart's time unless something it runs changed (which may mend it).
    mutating func apply(site: TypedResource<SiteSpec>, identity: SiteIdentity, configChanged: Bool, force: Bool, now: Date = Date()) async {
        defer { hasSite = true }
        guard configChanged || force || !state.isHealthy || !hasSite else { return }
        if !configChanged && !force && backoff.isWaiting(now: now) { return }
        let restarting = backoff.restartAt != nil
        backoff.restarted()
        do {
            state = try await platform.apply(layout: layout, siteName: site.name, siteId: identity.siteId, settings: site.spec.settings,
                                             configChanged: configChanged)
            if restarting && state.phase == .running {
                // Running it is not yet: the next check says whether it stays up this time.
                state = PlatformState(.starting, "the router was started again after it exited \(backoff.exits) time\(backoff.exits == 1 ? "" : "s")")
                logger.notice("router started again", metadata: ["exits": "\(backoff.exits)"])
            }
        } catch {
            logger.error("platform could not run the router", metadata: ["platform": "\(platform.kind.rawValue)", "error": "\(error)"])
            state = down(PlatformState(.failed, "\(error)"), now: now)
        }
    }

    /// The state of a router that exited or could not be started, seen at `now`: the restart is put off by the
    /// backoff's wait, and the message says how it ended and that it is started again, the same words at every
    /// attempt (the wait and the count go to the log), so a router that keeps failing the same way is one status.
    private mutating func down(_ observed: PlatformState, now: Date) -> PlatformState {
        let delay = backoff.exited(now: now)
        logger.warning("router is down: starting it again after a wait", metadata: [
            "reason": "\(observed.message)", "exits": "\(backoff.exits)", "restartIn": "\(Int(delay.rounded()))s"])
        return PlatformState(observed.phase, observed.message + Self.restartNote)
    }

    /// What a down router's state adds to its reason.
    static let restartNote = "; started again with a backoff (1 s doubling to 60 s)"

    /// Tears the router down once its Site is gone.
    mutating func teardown() async -> Bool {
        defer { state = PlatformState(.stopped, "no Site is defined") }
        guard hasSite else { return false }
        do { try await platform.teardown(layout: layout) } catch {
            logger.error("platform could not remove the router", metadata: ["platform": "\(platform.kind.rawValue)", "error": "\(error)"])
        }
        hasSite = false
        logger.info("site removed: router stopped and configuration removed")
        return true
    }

    /// A check of the router's state, when one is due and none is under way.
    mutating func checkIfDue(now: Date) -> AgentWork? {
        guard hasSite, !checking, now.timeIntervalSince(lastCheck) >= checkInterval else { return nil }
        lastCheck = now
        checking = true
        let platform = platform, layout = layout
        return { .platformObserved(await platform.state(layout: layout)) }
    }

    /// Whether a router that exited is due to be started again.
    func restartIsDue(now: Date) -> Bool { hasSite && backoff.isDue(now: now) }

    /// Takes in what a check found; returns whether the statuses and the site must be decided again (the state
    /// changed). A router that exited is started again after the backoff's wait, and meanwhile its state says that
    /// it exits, how (its exit status or signal and its log's last line) and when it is started again.
    mutating func observed(_ observed: PlatformState, now: Date = Date()) -> Bool {
        checking = false
        guard hasSite else { return false }
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
