import Foundation
import Logging
import Resources
import RouterConfig
import RouterManagement
import SiteFiles

/// `runtime/router/skrouterd.json`: rendered from the plan and written only when its text changed.
struct RouterConfigStage {
    let layout: SiteLayout
    let renderer: RouterConfigRenderer
    let logger: Logger
    /// The text on disk.
    private var written: String?
    /// The configuration on disk but its TCP services (what the router was started with or was changed to); the
    /// file an earlier run left is parsed only when a change needs it, never at a start that changes nothing.
    private var siteConfig: SiteConfig = .onDisk

    private enum SiteConfig {
        case onDisk
        case known(RouterConfig?)
    }

    init(layout: SiteLayout, renderer: RouterConfigRenderer, logger: Logger) {
        self.layout = layout
        self.renderer = renderer
        self.logger = logger
        written = try? String(contentsOf: layout.routerConfig, encoding: .utf8)
    }

    /// The site configuration last written, read back from the file the first time.
    private mutating func previousSiteConfig() -> RouterConfig? {
        if case .known(let config) = siteConfig { return config }
        let config = written.flatMap(RouterConfig.parse).map { RouterConfig(entities: $0.entities.filter { !RouterConfig.serviceTypes.contains($0.type) }) }
        siteConfig = .known(config)
        return config
    }

    /// Renders and writes the configuration; returns whether the file changed and whether the running router must
    /// restart to take the change (what management cannot change, or new files for an sslProfile or a proxyProfile
    /// it has loaded: `changedCredentials` names them).
    mutating func write(_ plan: SitePlan, identity: SiteIdentity, services: RenderedServices,
                        changedCredentials: Set<String>) throws -> (changed: Bool, restart: Bool) {
        var reloadCredentials = false
        if !changedCredentials.isEmpty {
            let loaded = previousSiteConfig()?.entities.filter { $0.type == "sslProfile" || $0.type == "proxyProfile" }
            let loadedProfiles = loaded?.compactMap { $0.text("name") } ?? []
            reloadCredentials = loadedProfiles.contains(where: changedCredentials.contains)
        }
        guard let text = renderer.renderText(plan, identity: identity, namespace: layout.namespace, services: services), text != written else {
            return (false, reloadCredentials)
        }
        let previous = previousSiteConfig()
        let current = renderer.siteConfig(plan, identity: identity, namespace: layout.namespace)
        siteConfig = .known(current)
        // Derived from the input at every start: replaced atomically, not flushed to disk each time.
        try AtomicFile.write(text, to: layout.routerConfig, skipIfUnchanged: false, durable: false)
        written = text
        logger.info("router configuration written", metadata: ["path": "\(layout.routerConfig.path)", "services": "\(plan.services.count)"])
        return (true, reloadCredentials || current.map { EntitySync.needsRestart(from: previous, to: $0) } ?? true)
    }

    /// Removes the configuration (the Site was deleted).
    mutating func remove() {
        try? FileManager.default.removeItem(at: layout.routerConfig)
        written = nil
        siteConfig = .known(nil)
    }
}
