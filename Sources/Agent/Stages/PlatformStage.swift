import FoundationEssentials
import Logging
import Platforms
import Resources
import SiteFiles

/// The router as the platform runs it: applied when the configuration changed or the router is unhealthy,
/// torn down when the Site goes, and checked every `checkInterval` (off the loop) so a router that died shows
/// in the statuses and is started again.
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

    init(platform: any RouterPlatform, layout: SiteLayout, logger: Logger, checkInterval: TimeInterval) {
        self.platform = platform
        self.layout = layout
        self.logger = logger
        self.checkInterval = checkInterval
    }

    /// Applies the site to the platform when something it runs changed, when `force`, or while it is unhealthy.
    mutating func apply(site: TypedResource<SiteSpec>, identity: SiteIdentity, configChanged: Bool, force: Bool) async {
        defer { hasSite = true }
        guard configChanged || force || !state.isHealthy || !hasSite else { return }
        do {
            state = try await platform.apply(layout: layout, siteName: site.name, siteId: identity.siteId, settings: site.spec.settings,
                                             configChanged: configChanged)
        } catch {
            state = PlatformState(.failed, "\(error)")
            logger.error("platform could not run the router", metadata: ["platform": "\(platform.kind.rawValue)", "error": "\(error)"])
        }
    }

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

    /// Takes in what a check found; returns whether the site must be applied again (the state changed, or the
    /// router is unhealthy and is applied again at every check until it recovers).
    mutating func observed(_ observed: PlatformState) -> Bool {
        checking = false
        guard hasSite else { return false }
        if observed != state {
            logger.notice("router state changed", metadata: ["from": "\(state.phase.rawValue)", "to": "\(observed.phase.rawValue)", "message": "\(observed.message)"])
        }
        let recheck = observed != state || !observed.isHealthy
        state = observed
        return recheck
    }
}
