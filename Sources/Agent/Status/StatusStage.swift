import FoundationEssentials
import Logging
import Platforms
import Resources
import RouterManagement
import SiteFiles

/// The statuses on disk: decided from the plan, the router's state and what the access controller reports,
/// written only where they changed; and `input-errors.yaml`.
struct StatusStage {
    let layout: SiteLayout
    let logger: Logger
    private var writer: StatusWriter
    /// The router state the statuses on disk were decided with.
    private var platformState: PlatformState?

    init(layout: SiteLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
        writer = StatusWriter(layout: layout)
    }

    /// Goes up whenever a status file was written or removed.
    var changes: UInt64 { writer.changes }

    /// The statuses on disk, those not Ready first, at most `limit`.
    func overview(limit: Int) -> [(ResourceID, ResourceStatus)] { writer.overview(limit: limit) }

    /// How many statuses each kind has in each phase.
    var tally: [ResourceCountKey: Int] { writer.tally }

    /// Loads the status files an earlier run left, so unchanged statuses keep their timestamps.
    mutating func loadExisting() { writer.loadExisting() }

    /// What one reconcile decided, for the statuses.
    struct Inputs {
        var store: ResourceStore
        var plan: SitePlan
        /// The site id, written as the Site's uid.
        var siteId: String?
        var platform: PlatformState
        /// What the router says about its links, listeners and network; nil where no router is asked.
        var router: RouterObservation?
        var credentialProblems: [String: String]
        /// When the certificates on disk expire.
        var expirations: [CertificateRequest.Location: Date] = [:]
        /// The certificates the agent cannot renew that end soon, described.
        var certificateAttention: [ExpiryWatch.Notice] = []
        /// The last restart of a running router a change needed.
        var routerRestart: (at: Date, reasons: [String])?
        /// How many warnings the input files gave (unknown fields, skipped documents).
        var warnings: Int
        var access: [ResourceID: ResourceStatus]
        /// The site or every resource changed: decide every status.
        var everything: Bool
        /// Otherwise, the ids whose status may have changed.
        var changed: Set<ResourceID>
    }

    /// Decides and writes the statuses a reconcile may have changed: all of them when the site or the router's
    /// state changed, else the changed ids, the site-wide kinds and the access controller's.
    mutating func write(_ inputs: Inputs) throws {
        let builder = StatusBuilder(
            plan: inputs.plan, platform: inputs.platform, router: inputs.router, fileErrors: inputs.store.errors.count,
            inputWarnings: inputs.warnings, credentialProblems: inputs.credentialProblems,
            expirations: inputs.expirations, certificateAttention: inputs.certificateAttention, routerRestart: inputs.routerRestart)
        let result: (written: Int, removed: Int)
        if inputs.everything || platformState != inputs.platform {
            result = try writer.update(
                builder.statuses(for: inputs.store.resources.values, external: inputs.access),
                resources: inputs.store.resources, siteId: inputs.siteId, only: nil)
        } else {
            var ids = inputs.changed.union(inputs.access.keys)
            for resource in inputs.store.resources(of: SitePlan.siteWideKinds) where resource.kind != .secret { ids.insert(resource.id) }
            result = try writer.update(
                builder.statuses(for: ids.compactMap { inputs.store.resources[$0] }, external: inputs.access),
                resources: inputs.store.resources, siteId: inputs.siteId, only: ids)
        }
        platformState = inputs.platform
        if result.written + result.removed > 0 {
            logger.debug("status files updated", metadata: ["written": "\(result.written)", "removed": "\(result.removed)"])
        }
    }

    /// Writes one status the access controller changed (a redemption counted), when its resource is in force.
    mutating func write(_ id: ResourceID, _ status: ResourceStatus, store: ResourceStore, siteId: String?) throws {
        guard store.resources[id] != nil else { return }
        _ = try writer.update([id: status], resources: store.resources, siteId: siteId, only: [id])
    }

    /// The work that writes the statuses decided since the last batch, unless one is being written.
    mutating func flushWork() -> AgentWork? {
        guard let write = writer.flushWork() else { return nil }
        return { .statusesWritten(await write()) }
    }

    /// Takes in how a batch ended; a file that could not be written is a failure of the change it belongs to.
    mutating func flushed(_ result: StatusWriter.Flushed) throws {
        writer.flushed(result)
        if let failure = result.failure { throw StatusWriter.StatusWriteError(description: failure) }
    }

    /// Whether decided statuses are not on disk yet.
    var isFlushing: Bool { writer.isFlushing }

    /// Writes the statuses still waiting, on this thread (the agent is stopping).
    mutating func flush() { writer.flush() }

    /// Writes `input-errors.yaml` (or removes it when nothing is wrong).
    func writeInputErrors(_ store: ResourceStore, credentialErrors: [ResourceError], warnings: [String: [ResourceError]]) throws {
        try InputErrors.write(store.errors, credentialErrors: credentialErrors, warnings: warnings, layout: layout)
    }
}
