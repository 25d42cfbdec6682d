import FoundationEssentials
import Logging
import Resources
import SiteFiles

/// Brings a namespace directory written by someone else up to this agent's layout before the agent reads it:
/// an earlier version of this agent (statuses under `runtime/status/`, redemptions under `runtime/resources/`), or a
/// Skupper v2 site (its runtime site state under `runtime/resources/`). Runs once, before the first read.
enum NamespaceTakeover {
    /// Moves an earlier layout into place, then takes over a Skupper v2 runtime when this agent has no identity yet.
    static func run(_ layout: SiteLayout, logger: Logger) throws {
        try moveFormerLayout(layout, logger: logger)
        let identityFile = IdentityStore(layout: layout).file
        guard !FileManager.default.fileExists(atPath: identityFile.path), let runtime = SkupperV2Runtime.read(layout) else { return }
        try adopt(runtime, layout: layout)
        logger.notice(
            "took over a Skupper v2 site",
            metadata: [
                "siteId": "\(runtime.siteId ?? "(new)")", "routerId": "\(runtime.routerId ?? "(new)")",
                "redemptions": "\(runtime.redemptions.keys.sorted().joined(separator: ","))",
            ])
    }

    /// Keeps what makes the site itself: site and router ids, ports and certificate hosts (`runtime/state/identity.json`),
    /// and what its AccessTokens brought (so they are not sent again). The runtime site state is then cleared, as v2's
    /// own reload clears it: this agent writes it anew, and v2 kept Secrets (keys included) there.
    static func adopt(_ runtime: SkupperV2Runtime, layout: SiteLayout) throws {
        let store = IdentityStore(layout: layout)
        let identity = SiteIdentity(
            siteId: runtime.siteId ?? UUID().uuidString.lowercased(),
            routerId: runtime.routerId ?? "",
            localPort: runtime.localPort ?? PortProbe.nextFree(from: 5671),
            interRouterPort: runtime.interRouterPort ?? PortProbe.nextFree(from: RouterAccessSpec.defaultPort(role: RouterMode.interRouterRole)),
            edgePort: runtime.edgePort ?? PortProbe.nextFree(from: RouterAccessSpec.defaultPort(role: RouterMode.edgeRole)),
            hosts: runtime.hosts.isEmpty ? HostAddresses.current() : runtime.hosts)
        for (name, redemption) in runtime.redemptions.sorted(by: { $0.key < $1.key }) {
            try AtomicFile.write(
                ResourceEncoder.fastYAML(redemption.resources),
                to: layout.redeemed.appendingPathComponent(InputStage.redemptionFile(name)), mode: 0o600)
            let state = TokenState(url: redemption.url, code: redemption.code, phase: .redeemed, message: "OK")
            try state.save(name: name, in: AccessController.tokenDirectory(layout))
        }
        // The identity first: were the agent stopped before the clearing ends, the next start keeps what was read.
        try store.save(identity)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: layout.status.path)) ?? [] {
            try? FileManager.default.removeItem(at: layout.status.appendingPathComponent(name))
        }
    }

    /// An earlier version of this agent kept statuses in `runtime/status/` and redemptions in `runtime/resources/`:
    /// the redemptions move to `runtime/state/redeemed/`, the statuses to `runtime/resources/`.
    static func moveFormerLayout(_ layout: SiteLayout, logger: Logger) throws {
        let files = FileManager.default
        guard files.fileExists(atPath: layout.formerStatus.path) else { return }
        try PrivateDirectory.create(layout.redeemed)
        for name in (try? files.contentsOfDirectory(atPath: layout.status.path)) ?? [] {
            try move(layout.status.appendingPathComponent(name), to: layout.redeemed.appendingPathComponent(name))
        }
        for name in (try? files.contentsOfDirectory(atPath: layout.formerStatus.path)) ?? [] {
            try move(layout.formerStatus.appendingPathComponent(name), to: layout.status.appendingPathComponent(name))
        }
        try files.removeItem(at: layout.formerStatus)
        logger.notice("moved statuses to runtime/resources and redemptions to runtime/state/redeemed")
    }

    private static func move(_ from: URL, to: URL) throws {
        if FileManager.default.fileExists(atPath: to.path) { try FileManager.default.removeItem(at: to) }
        try FileManager.default.moveItem(at: from, to: to)
    }
}
