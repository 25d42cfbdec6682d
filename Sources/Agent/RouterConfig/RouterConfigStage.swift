import FoundationEssentials
import HostSupport
import Logging
import Resources
import RouterEntities
import RouterManagement
import RouterRendering
import SiteFiles

/// `runtime/router/skrouterd.json`: rendered from the plan and written only when its text changed. Whether it
/// changed is known without comparing texts: the site's own entities are compared (a few), the services by the
/// generation of their rendered entities. A large file whose change the router does not need from the file (the
/// render-only platform, or a running router that takes it through management) is written beside the loop, so a
/// change's cost does not grow with the number of services; any other is written before the router is asked.
struct RouterConfigStage {
    let layout: SiteLayout
    let renderer: RouterConfigRenderer
    let logger: Logger
    /// Files above this size may be written beside the loop; smaller ones are written at once, in order with
    /// the statuses (writing them costs less than a millisecond).
    let deferAbove: Int
    private let writer: RouterConfigWriter
    /// What the last text decided was made of: the site's entities and the services' generation.
    private var decided: (site: [String], services: Int)?
    /// The text an earlier run left, compared once with the first text this run renders, then dropped.
    private var leftOnDisk: String?
    /// The configuration on disk but its TCP services (what the router was started with or was changed to); the
    /// file an earlier run left is parsed only when a change needs it, never at a start that changes nothing.
    private var siteConfig: SiteConfig = .onDisk
    /// Generations of texts decided; the newest not yet written, and whether a write is under way beside the loop.
    private var generation = 0
    private var pending: (parts: [TextPiece], generation: Int)?
    /// The configuration but its services as last rendered (what management brings the running router to).
    private(set) var renderedSite: RouterConfig?
    private var writing = false
    /// Each sslProfile's credentials revision: a loaded profile whose files change goes to its next one, which the
    /// running router takes as an UPDATE (a rotation, no restart).
    private(set) var ordinals: TLSOrdinalStore

    private enum SiteConfig {
        case onDisk
        case known(RouterConfig?)
    }

    init(layout: SiteLayout, renderer: RouterConfigRenderer, logger: Logger, deferAbove: Int = 64 << 10) {
        self.layout = layout
        self.renderer = renderer
        self.logger = logger
        self.deferAbove = deferAbove
        writer = RouterConfigWriter(url: layout.routerConfig)
        leftOnDisk = try? String(contentsOf: layout.routerConfig, encoding: .utf8)
        ordinals = TLSOrdinalStore(url: layout.tlsOrdinals, logger: logger)
        if ordinals.ordinals.isEmpty, let leftOnDisk, leftOnDisk.contains("\"ordinal\"") { ordinals.adopt(RouterConfig.parse(leftOnDisk)) }
    }

    /// The site configuration last written, read back from the file the first time.
    private mutating func previousSiteConfig() -> RouterConfig? {
        if case .known(let config) = siteConfig { return config }
        let config = leftOnDisk.flatMap(RouterConfig.parse).map { RouterConfig(entities: $0.entities.filter { !RouterConfig.serviceTypes.contains($0.type) }) }
        siteConfig = .known(config)
        return config
    }

    /// What a write decided.
    struct Written {
        /// The file's text changed.
        var changed = false
        /// The running router must restart to take the change (`reasons` say why).
        var restart = false
        var reasons: [String] = []
        /// The loaded sslProfiles whose credentials changed: each went to its next revision (a live rotation).
        var rotated: Set<String> = []
    }

    /// Renders and writes the configuration; returns whether the file changed and whether the running router must
    /// restart to take the change (what management cannot change, or new files for a proxyProfile it has loaded).
    /// `changedCredentials` names the credentials directories whose files changed: a loaded sslProfile among them
    /// goes to its next revision, which the running router takes live. `deferrable`: nothing reads the file before
    /// the next restart (no router runs from it, or the running one takes live changes through management).
    mutating func write(
        _ plan: SitePlan, identity: SiteIdentity, services: RenderedServices,
        changedCredentials: Set<String>, deferrable: Bool
    ) throws -> Written {
        var result = Written()
        if !changedCredentials.isEmpty, let loaded = previousSiteConfig() {
            let names = { (type: String) in Set(loaded.entities(ofType: type).compactMap { $0.text("name") }) }
            result.rotated = names("sslProfile").intersection(changedCredentials)
            for proxy in names("proxyProfile").intersection(changedCredentials).sorted() {
                result.reasons.append("the credentials of proxyProfile \(proxy) changed")
            }
        }
        try ordinals.advance(result.rotated, priorValidRevisions: plan.site?.site?.tlsPriorValidRevisions ?? 2)
        if !result.rotated.isEmpty {
            logger.info(
                "TLS credentials rotated: the router takes them live",
                metadata: ["sslProfiles": "\(result.rotated.sorted().map { "\($0)@\(ordinals.ordinals[$0]?.ordinal ?? 0)" }.joined(separator: ","))"])
        }
        result.restart = !result.reasons.isEmpty
        guard let text = renderer.renderPieces(plan, identity: identity, namespace: layout.namespace, services: services, ordinals: ordinals.ordinals)
        else {
            renderedSite = nil
            return result
        }
        renderedSite = text.siteConfig
        if let decided, decided.site == text.site, decided.services == services.generation { return result }
        decided = (text.site, services.generation)
        let parts = RouterConfig.fileParts(fragments: text.fragments)
        let size = parts.reduce(0) { $0 + $1.utf8Count }
        let current = text.siteConfig
        if let left = leftOnDisk, left.utf8.count == size, parts.map(\.string).joined() == left {
            // The first text of this run is the one an earlier run left: nothing is written.
            leftOnDisk = nil
            siteConfig = .known(current)
            return result
        }
        let previous = previousSiteConfig()
        let before = (siteConfig: siteConfig, leftOnDisk: leftOnDisk)
        leftOnDisk = nil
        siteConfig = .known(current)
        result.reasons += EntitySync.restartReasons(from: previous, to: current)
        result.restart = !result.reasons.isEmpty
        result.changed = true
        let restart = result.restart
        generation += 1
        if deferrable && !restart && size > deferAbove {
            pending = (parts, generation)
        } else {
            pending = nil
            do { try writer.write(parts, generation: generation) } catch {
                // Not written: what the file holds is still what it held, and this text is decided again next time.
                (decided, siteConfig, leftOnDisk) = (nil, before.siteConfig, before.leftOnDisk)
                throw error
            }
        }
        logger.info(
            "router configuration written",
            metadata: [
                "path": "\(layout.routerConfig.path)", "services": "\(plan.services.count)",
                "bytes": "\(size)", "deferred": "\(pending != nil)",
            ])
        return result
    }

    /// The write of the newest text, to run beside the loop, when one is due and none is under way.
    mutating func work() -> AgentWork? {
        guard !writing, let pending else { return nil }
        self.pending = nil
        writing = true
        let writer = writer
        return {
            // Run to its end even when the agent stops meanwhile: the process never exits under a half-written file.
            let failure = await Offload.runToEnd { () -> String? in
                do {
                    try writer.write(pending.parts, generation: pending.generation)
                    return nil
                } catch { return "\(error)" }
            }
            return .routerConfigWritten(failure: failure)
        }
    }

    /// A write beside the loop ended; returns the next one when a newer text is waiting.
    mutating func written(failure: String?) -> AgentWork? {
        writing = false
        if let failure {
            logger.error("router configuration not written: written again at the next change", metadata: ["error": "\(failure)"])
            decided = nil
        }
        return work()
    }

    /// Writes the newest text now if it is still waiting (the agent is stopping).
    mutating func flush() {
        guard let pending else { return }
        self.pending = nil
        do { try writer.write(pending.parts, generation: pending.generation) } catch {
            logger.error("router configuration not written", metadata: ["error": "\(error)"])
        }
    }

    /// Removes the configuration (the Site was deleted).
    mutating func remove() {
        generation += 1
        pending = nil
        writer.remove(generation: generation)
        decided = nil
        leftOnDisk = nil
        siteConfig = .known(nil)
    }
}
