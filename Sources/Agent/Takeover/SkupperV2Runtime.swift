import FoundationEssentials
import Resources
import RouterEntities
import SiteFiles

/// What a Skupper v2 non-Kubernetes site left in its namespace directory (`skupper system setup` and `reload`):
/// the router configuration it rendered (`runtime/router/skrouterd.json`) and its runtime site state
/// (`runtime/resources/<Kind>-<name>.yaml`, the resources in force with their statuses). Read once, when this agent
/// takes the namespace over, so the site keeps its id, router id, ports and certificates.
struct SkupperV2Runtime {
    /// The router id (`<site>-<seconds>-<nanoseconds>`), from the router entity.
    var routerId: String?
    /// The site id, from the router's metadata or the runtime Site's `metadata.uid`.
    var siteId: String?
    /// The port of the local management listener (`skupper-local-normal`).
    var localPort: Int?
    /// The ports of the site's own link access (the RouterAccess named after the site).
    var interRouterPort: Int?
    var edgePort: Int?
    /// The names the link access certificate covers (its subjectAlternativeNames and bindHost).
    var hosts: [String] = []
    /// Redemptions v2 made: per AccessToken name, its url and code and the Secret and Links the grant server sent.
    var redemptions: [String: Redemption] = [:]

    struct Redemption {
        var url: String
        var code: String
        var resources: [Resource]
    }

    /// Reads what is there; nil when the directory holds no Skupper v2 runtime (no router configuration and no
    /// runtime Site). Unreadable or foreign files are skipped: takeover keeps what it can and generates the rest.
    static func read(_ layout: SiteLayout) -> SkupperV2Runtime? {
        let config = (try? String(contentsOf: layout.routerConfig, encoding: .utf8)).flatMap(RouterConfig.parse)
        let resources = runtimeResources(layout)
        let site = resources.first { $0.kind == .site }
        guard config != nil || site != nil else { return nil }
        var runtime = SkupperV2Runtime()
        if let router = config?.entities(ofType: "router").first {
            runtime.routerId = router.text("id")
            if let metadata = router.text("metadata"), let id = JSONValue.parse(metadata)?["id"]?.text, !id.isEmpty {
                runtime.siteId = id
            }
        }
        if runtime.siteId == nil, let uid = site?.metadata.uid, !uid.isEmpty { runtime.siteId = uid }
        runtime.localPort = config?.entity("listener", named: "skupper-local-normal")?.text("port").flatMap { Int($0) }
        if let site {
            let access = resources.first { $0.kind == .routerAccess && $0.name == site.name }?.routerAccess
            let listener = { (role: String) in config?.entity("listener", named: "\(site.name)-\(role)")?.text("port").flatMap { Int($0) } }
            runtime.interRouterPort = access?.roles.first { $0.name == RouterMode.interRouterRole }?.port ?? listener(RouterMode.interRouterRole)
            runtime.edgePort = access?.roles.first { $0.name == RouterMode.edgeRole }?.port ?? listener(RouterMode.edgeRole)
            if let access {
                runtime.hosts = access.subjectAlternativeNames
                if let bind = access.bindHost, !bind.isEmpty, !runtime.hosts.contains(bind) { runtime.hosts.append(bind) }
            }
        }
        for token in resources where token.kind == .accessToken {
            guard let spec = token.accessToken else { continue }
            let secretName = spec.linkName ?? token.name
            guard let secret = resources.first(where: { $0.kind == .secret && $0.name == secretName }) else { continue }
            let links = resources.filter { $0.kind == .link && ($0.link?.tlsCredentials ?? $0.name) == secretName }
            guard !links.isEmpty else { continue }
            runtime.redemptions[token.name] = Redemption(url: spec.url, code: spec.code, resources: [secret] + links)
        }
        return runtime
    }

    /// Every resource document of `runtime/resources/` that parses (v2 writes one per file, status included).
    private static func runtimeResources(_ layout: SiteLayout) -> [Resource] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: layout.status.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return names.flatMap { name -> [Resource] in
            let url = layout.status.appendingPathComponent(name)
            guard let contents = try? ResourceLoader.load(contentsOf: url, displayName: "runtime/resources/\(name)") else { return [] }
            return contents.resources
        }
    }
}
