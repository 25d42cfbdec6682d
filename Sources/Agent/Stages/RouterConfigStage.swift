import Foundation
import Logging
import Resources
import RouterConfig
import SiteFiles

/// `runtime/router/skrouterd.json`: rendered from the plan and written only when its text changed.
struct RouterConfigStage {
    let layout: SiteLayout
    let renderer: RouterConfigRenderer
    let logger: Logger
    /// The text on disk.
    private var written: String?

    init(layout: SiteLayout, renderer: RouterConfigRenderer, logger: Logger) {
        self.layout = layout
        self.renderer = renderer
        self.logger = logger
        written = try? String(contentsOf: layout.routerConfig, encoding: .utf8)
    }

    /// Renders and writes the configuration; returns whether the file changed.
    mutating func write(_ plan: SitePlan, identity: SiteIdentity, services: RenderedServices) throws -> Bool {
        guard let text = renderer.renderText(plan, identity: identity, namespace: layout.namespace, services: services), text != written else {
            return false
        }
        // Derived from the input at every start: replaced atomically, not flushed to disk each time.
        try AtomicFile.write(text, to: layout.routerConfig, skipIfUnchanged: false, durable: false)
        written = text
        logger.info("router configuration written", metadata: ["path": "\(layout.routerConfig.path)", "services": "\(plan.services.count)"])
        return true
    }

    /// Removes the configuration (the Site was deleted).
    mutating func remove() {
        try? FileManager.default.removeItem(at: layout.routerConfig)
        written = nil
    }
}
