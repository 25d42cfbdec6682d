import FoundationEssentials
import Resources
import RouterRendering
import SiteFiles

/// The site as the router should see it: the site's identity (ids and ports, kept across restarts), the plan,
/// and the router entities of the services (listeners, multi-key listeners, connectors), updated one by one as they
/// change.
struct PlanStage {
    let layout: SiteLayout
    let renderer: RouterConfigRenderer
    private(set) var identity: SiteIdentity?
    private(set) var plan = SitePlan()
    /// The router entities of the listeners and connectors, rendered once per change.
    private(set) var services = RenderedServices()

    /// What one update decided.
    struct Update {
        /// The Site in force (the first by name), if any.
        var site: TypedResource<SiteSpec>?
        /// The site's identity; empty without a Site.
        var identity: SiteIdentity
        /// A site-wide kind (Site, RouterAccess, Link, Certificate, Secret) changed, or everything was read again.
        var siteWide: Bool
        /// Services whose status may have changed (those changed and those matching them).
        var affected: Set<ResourceID>
        /// Services whose router entities were rendered again; nil when every service was (a whole read).
        var rerendered: Set<ResourceID>?
    }

    init(layout: SiteLayout, renderer: RouterConfigRenderer) {
        self.layout = layout
        self.renderer = renderer
    }

    /// Re-plans what `change` touches: services one by one; the whole site when a site-wide kind changed or `full`.
    mutating func update(_ change: ResourceStore.Change, full: Bool, store: ResourceStore) throws -> Update {
        let siteWideResources = store.resources(of: SitePlan.siteWideKinds)
        let siteWide = full || change.all.contains { SitePlan.siteWideKinds.contains($0.kind) }
        let site = store.all(SiteSpec.self).min { $0.name < $1.name }
        if let site, siteWide || identity == nil {
            identity = try IdentityStore(layout: layout).identity(siteName: site.name)
        }
        let current = site.flatMap { _ in identity } ?? SiteIdentity(siteId: "", routerId: "")

        var affected: Set<ResourceID> = []
        var rerendered: Set<ResourceID>? = []
        var changedServices: [ResourceID: Resource?] = [:]
        if full {
            plan = SitePlan()
            for resource in store.resources(of: SitePlan.serviceKinds) { changedServices[resource.id] = resource }
            _ = plan.updateServices(changedServices)
            services.rebuild(plan: plan, renderer: renderer)
            rerendered = nil
        } else {
            for id in change.all where SitePlan.serviceKinds.contains(id.kind) { changedServices[id] = store.resources[id] }
            if !changedServices.isEmpty {
                let update = plan.updateServices(changedServices)
                services.update(update.rerender, plan: plan, renderer: renderer)
                affected = update.affected
                rerendered = update.rerender
            }
        }
        if siteWide { plan.replan(siteWideResources, identity: current) }
        return Update(site: site, identity: current, siteWide: siteWide, affected: affected, rerendered: rerendered)
    }

    /// The site's own credential names (its CAs and local certificates), which a redeemed link must not take.
    var ownCredentialNames: Set<String> { Set(plan.certificates.map(\.name)) }
}
