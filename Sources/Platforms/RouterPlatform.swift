import SiteFiles

/// What runs the router for a site: nothing (render only), a container engine, or systemd.
public protocol RouterPlatform: Sendable {
    /// Which platform this is (the name users give it).
    var kind: PlatformKind { get }
    /// The platform's name as the router metadata carries it ("linux", "docker", "podman"), as Skupper v2 writes it.
    var metadataName: String { get }
    /// Whether a router runs that the agent can reach through management (false: the configuration is only written).
    var runsRouter: Bool { get }
    /// The path under which the router finds `runtime/certs`, as written in sslProfiles.
    func sslProfileBasePath(for layout: SiteLayout) -> String
    /// The same path as the running router sees it, for what management sends it (the default: the same).
    func runningBasePath(for layout: SiteLayout) -> String
    /// Brings the router in line with the rendered configuration; `configChanged` says whether
    /// `skrouterd.json` or the certificates were rewritten since the last call.
    func apply(layout: SiteLayout, siteName: String, siteId: String, settings: [String: String], configChanged: Bool) async throws -> PlatformState
    /// The state an apply would bring at once, for a platform whose apply takes no time (nothing runs): the agent
    /// then takes it without running the apply beside its loop. Nil (the default): the apply is work.
    func immediateState(layout: SiteLayout) -> PlatformState?
    /// Stops and removes the router (the Site was deleted).
    func teardown(layout: SiteLayout) async throws
    /// The router's current state, for status reports.
    func state(layout: SiteLayout) async -> PlatformState
    /// The agent is stopping: a router that lives only as long as the agent stops with it.
    func agentStopping(layout: SiteLayout) async
    /// Whether `waitForExit` tells at once when the running router exits (the agent's own child): then the router
    /// is watched instead of checked every few seconds, and started again as soon as it dies.
    var watchesExit: Bool { get }
    /// Returns once the router that runs now has exited (at once when none runs).
    func waitForExit(layout: SiteLayout) async
}

extension RouterPlatform {
    public func immediateState(layout: SiteLayout) -> PlatformState? { nil }

    public func runningBasePath(for layout: SiteLayout) -> String { sslProfileBasePath(for: layout) }

    public var watchesExit: Bool { false }

    public func waitForExit(layout: SiteLayout) async {}

    /// Routers run by systemd or a container engine outlive the agent, as Skupper v2's do.
    public func agentStopping(layout: SiteLayout) async {}
}

/// The router's state as a platform sees it.
public struct PlatformState: Sendable, Hashable {
    public enum Phase: String, Sendable, Hashable, CaseIterable {
        /// The configuration is rendered; nothing runs it (render-only platform).
        case rendered
        case running
        case starting
        case stopped
        case failed
    }

    public var phase: Phase
    public var message: String

    public init(_ phase: Phase, _ message: String) {
        self.phase = phase
        self.message = message
    }

    /// Whether the site can be reported Ready.
    public var isHealthy: Bool { phase == .rendered || phase == .running }
}

/// A platform failure with a message meant for the Site's status.
public struct PlatformError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
