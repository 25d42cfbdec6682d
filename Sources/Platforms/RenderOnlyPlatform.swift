import SiteFiles

/// Renders the router configuration and certificates and runs no router: for trying a site out, for tests,
/// and for routers started by other means. Paths in the configuration are the host's.
public struct RenderOnlyPlatform: RouterPlatform {
    public init() {}

    public var kind: PlatformKind { .render }

    public var runsRouter: Bool { false }

    /// The configuration is rendered for a router run on this host, as the linux platform's.
    public var metadataName: String { PlatformKind.linux.rawValue }

    public func sslProfileBasePath(for layout: SiteLayout) -> String { layout.root.path }

    public func apply(layout: SiteLayout, siteName: String, siteId: String, settings: [String: String], configChanged: Bool) async throws -> PlatformState {
        state(of: layout)
    }

    public func immediateState(layout: SiteLayout) -> PlatformState? { state(of: layout) }

    public func teardown(layout: SiteLayout) async throws {}

    /// The same after every apply and at every check: nothing runs, so nothing changes by itself (a check that
    /// found another state would reconcile again for nothing).
    public func state(layout: SiteLayout) async -> PlatformState { state(of: layout) }

    private func state(of layout: SiteLayout) -> PlatformState {
        PlatformState(.rendered, "router configuration rendered to \(layout.routerConfig.path) (render-only platform: no router is run)")
    }
}
