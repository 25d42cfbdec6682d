import FoundationEssentials
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// The router container Skupper v2 runs for a site on docker or podman: its name, image, environment,
/// bind mounts, labels and host networking (internal/nonkube/compat/site_state_renderer.go).
public struct RouterContainer: Sendable, Hashable {
    /// The router image Skupper v2 pins (release 2.2.1: `skupper-router:3.5.1`).
    public static let defaultImageName = "skupper-router:\(RouterExecutable.version)"
    /// The registry of Skupper's images, overridable with `SKUPPER_IMAGE_REGISTRY`.
    public static let defaultRegistry = "quay.io/skupper"
    /// Where the router reads its configuration inside the container.
    public static let configDirectory = "/etc/skupper-router/config"
    /// Where the router finds `runtime/certs` inside the container (`SSL_PROFILE_BASE_PATH`).
    public static let basePath = "/etc/skupper-router"

    /// Label keys on the container.
    public enum Label {
        /// `skupper-v2`, as Skupper's container client sets it.
        public static let application = "application"
        /// `router`.
        public static let component = "skupper.io/v2-component"
        /// The site id.
        public static let siteId = "skupper.io/site-id"
        /// The site's namespace.
        public static let namespace = "skupper.io/namespace"
        /// The Site resource's name.
        public static let siteName = "skupper.io/site-name"
        /// A digest of everything the container is created from; a different digest means recreate.
        public static let specHash = "skupper-local.io/spec-hash"
    }

    /// `<namespace>-skupper-router`.
    public var name: String
    /// What the container is created from, the spec-hash label included.
    public var spec: ContainerCreateSpec
    /// The digest in the spec-hash label.
    public var specHash: String

    /// The container for a site. `user` and `usernsMode` default to Skupper's choice for the engine: docker runs
    /// as `0:<docker group>`, podman as the agent's `uid:gid` (with `keep-id` when rootless).
    public init(engine: ContainerEngineKind, layout: SiteLayout, siteName: String, siteId: String, image: String) {
        name = Self.containerName(namespace: layout.namespace)
        let root = layout.root.absoluteURL.standardizedFileURL
        let env = [
            "APPLICATION_NAME": "skupper-router",
            "QDROUTERD_CONF": Self.configDirectory + "/skrouterd.json",
            "QDROUTERD_CONF_TYPE": "json",
            "SKUPPER_SITE_ID": siteId,
            "SSL_PROFILE_BASE_PATH": Self.basePath,
        ].map { "\($0.key)=\($0.value)" }.sorted()
        let binds = [
            root.appendingPathComponent("runtime/router").path + ":" + Self.configDirectory + ":z",
            root.appendingPathComponent("runtime/certs").path + ":" + Self.basePath + "/runtime/certs:z",
            root.appendingPathComponent("runtime/proxies").path + ":" + Self.basePath + "/runtime/proxies:z",
        ]
        var labels = [
            Label.application: "skupper-v2",
            Label.component: "router",
            Label.siteId: siteId,
            Label.namespace: layout.namespace,
            Label.siteName: siteName,
        ]
        let user: String
        var usernsMode: String?
        switch engine {
        case .docker:
            user = "0:\(getgrnam("docker")?.pointee.gr_gid ?? 0)"
        case .podman:
            user = "\(getuid()):\(getgid())"
            if getuid() != 0 { usernsMode = "keep-id" }
        }
        var spec = ContainerCreateSpec(
            image: image, env: env, labels: labels, user: user,
            hostConfig: .init(networkMode: "host", binds: binds, restartPolicy: .init(name: "always"), usernsMode: usernsMode))
        specHash = Self.digest(of: spec)
        labels[Label.specHash] = specHash
        spec.labels = labels
        self.spec = spec
    }

    /// `<namespace>-skupper-router`, as Skupper v2 names the router container.
    public static func containerName(namespace: String) -> String { "\(namespace)-skupper-router" }

    /// The image for a site: Site `settings["router-image"]`, else `option` (`--router-image`), else
    /// `SKUPPER_ROUTER_IMAGE`, else Skupper's pinned image in `SKUPPER_IMAGE_REGISTRY` (default quay.io/skupper).
    public static func image(settings: [String: String], option: String?, environment: [String: String]) -> String {
        for candidate in [settings["router-image"], option, environment["SKUPPER_ROUTER_IMAGE"]] {
            if let candidate, !candidate.isEmpty { return candidate }
        }
        let registry = environment["SKUPPER_IMAGE_REGISTRY"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultRegistry
        return registry + "/" + defaultImageName
    }

    /// A digest of what the router reads: `skrouterd.json` and the files of every `runtime/certs/<name>/` and
    /// `runtime/proxies/<name>/` it names (other certificates there, such as the grant server's, do not concern
    /// the router).
    public static func configHash(layout: SiteLayout) -> String {
        var hash = ContentHash()
        let config = (try? Data(contentsOf: layout.routerConfig)) ?? Data()
        hash.update("skrouterd.json")
        hash.update(config)
        let text = String(decoding: config, as: UTF8.self)
        for name in directoryNames(in: text) {
            hash.update("certs/" + name)
            hash.update(directory: layout.certificate(name))
        }
        for name in directoryNames(in: text, under: "runtime/proxies/") {
            hash.update("proxies/" + name)
            if let directory = try? layout.child(layout.proxies, name) { hash.update(directory: directory) }
        }
        return hash.hex
    }

    /// The `<name>`s of the `runtime/certs/<name>/` paths (or those under another `marker` directory) in a configuration, sorted.
    static func directoryNames(in config: String, under marker: String = "runtime/certs/") -> [String] {
        var names = Set<String>()
        var rest = config[...]
        while let range = rest.firstRange(of: marker) {
            rest = rest[range.upperBound...]
            let name = rest.prefix { $0 != "/" && $0 != "\"" && $0 != "\\" }
            if !name.isEmpty && rest.dropFirst(name.count).first == "/" { names.insert(String(name)) }
        }
        return names.sorted()
    }

    static func digest(of spec: ContainerCreateSpec) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var hash = ContentHash()
        hash.update((try? encoder.encode(spec)) ?? Data())
        return hash.hex
    }
}
