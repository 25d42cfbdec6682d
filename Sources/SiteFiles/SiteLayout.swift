import FoundationEssentials
import HostSupport
import TextSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Where a namespace's files live: the user's input and what the agent generates under `runtime/`.
public struct SiteLayout: Sendable, Hashable {
    /// The namespace directory (`…/skupper/namespaces/<namespace>`).
    public var root: URL
    public var namespace: String

    public init(root: URL, namespace: String) {
        self.root = root
        self.namespace = namespace
    }

    /// The default layout: `$XDG_DATA_HOME/skupper/namespaces/<ns>` for a user (falling back to
    /// `~/.local/share`), `/var/lib/skupper/namespaces/<ns>` for root.
    public static func standard(
        namespace: String = "default", environment: [String: String] = ProcessInfo.processInfo.environment,
        isRoot: Bool = getuid() == 0
    ) -> SiteLayout {
        let base: URL
        if isRoot {
            base = URL(fileURLWithPath: "/var/lib/skupper")
        } else if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg).appendingPathComponent("skupper")
        } else {
            let home = UserHome.path(environment: environment)
            base = URL(fileURLWithPath: home).appendingPathComponent(".local/share/skupper")
        }
        return SiteLayout(root: base.appendingPathComponent("namespaces").appendingPathComponent(namespace), namespace: namespace)
    }

    /// Where users drop resource YAML.
    public var inputResources: URL { root.appendingPathComponent("input/resources") }
    /// User-provided certificates (`input/certs/<name>/` with `tls.crt`, `tls.key`, `ca.crt`), as in Skupper v2.
    public var inputCertificates: URL { root.appendingPathComponent("input/certs") }
    /// User-provided CAs (`input/issuers/<name>/`), as in Skupper v2.
    public var inputIssuers: URL { root.appendingPathComponent("input/issuers") }
    /// Everything the agent generates.
    public var runtime: URL { root.appendingPathComponent("runtime") }
    /// The rendered router configuration directory.
    public var routerDirectory: URL { runtime.appendingPathComponent("router") }
    /// The rendered `skrouterd.json`.
    public var routerConfig: URL { routerDirectory.appendingPathComponent("skrouterd.json") }
    /// Certificates, one directory per name with `tls.crt`, `tls.key`, `ca.crt`.
    public var certificates: URL { runtime.appendingPathComponent("certs") }
    /// Proxy profiles' files the router reads, one directory per profile (`password.txt`).
    public var proxies: URL { runtime.appendingPathComponent("proxies") }
    /// Certificate authorities, one directory per name with `tls.crt`, `tls.key`, `ca.crt`.
    public var issuers: URL { runtime.appendingPathComponent("issuers") }
    /// Link tokens for other sites (`link-<access>-<host>.yaml`: a Secret and a Link).
    public var links: URL { runtime.appendingPathComponent("links") }
    /// Each resource in force with its status, `<Kind>-<name>.yaml`: where Skupper v2 keeps its runtime site state,
    /// so v2's CLI and debug tooling read a site this agent runs.
    public var status: URL { runtime.appendingPathComponent("resources") }
    /// What redeeming AccessTokens brought (a Secret and its Links per token, `AccessToken-<token>.yaml`).
    public var redeemed: URL { state.appendingPathComponent("redeemed") }
    /// Where an earlier version of this agent wrote statuses (moved to `status` at start).
    public var formerStatus: URL { runtime.appendingPathComponent("status") }
    /// Agent state that must survive restarts (grant redemption counts).
    public var state: URL { runtime.appendingPathComponent("state") }
    /// Each sslProfile's credentials revision (`runtime/state/tls-ordinals.json`).
    public var tlsOrdinals: URL { state.appendingPathComponent("tls-ordinals.json") }
    /// The agent's pid and runtime info.
    public var agentInfo: URL { runtime.appendingPathComponent("agent.yaml") }
    /// Held by the namespace's running agent (one agent per namespace directory).
    public var agentLock: URL { runtime.appendingPathComponent("agent.lock") }

    /// The directory of a named certificate.
    public func certificate(_ name: String) -> URL { certificates.appendingPathComponent(name) }

    /// `base/name`, refused when `name` is not a single safe path component (empty, `.`, `..`, a '/' or a NUL) or
    /// the result would leave the namespace directory: every name that comes from a resource goes through here
    /// before it becomes a path the agent writes.
    public func child(_ base: URL, _ name: String) throws(PathError) -> URL {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\u{0}") else {
            throw PathError(path: base.path + "/" + name, reason: "\(QuotedText.excerpt(name)) is not a file name")
        }
        let url = base.appendingPathComponent(name)
        guard contains(url) else { throw PathError(path: url.path, reason: "it is outside the namespace directory \(root.path)") }
        return url
    }

    /// Whether `url` lies inside the namespace directory (lexically, after resolving `.` and `..`).
    public func contains(_ url: URL) -> Bool {
        let base = root.standardizedFileURL.path
        return url.standardizedFileURL.path.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    /// Creates the directories the agent writes to: `runtime/` and everything below it owner-only (0700, whatever
    /// the umask, also where an earlier run left them open); the input directory 0700 when it has to be created.
    public func createDirectories() throws {
        for url in [inputResources, inputCertificates, inputIssuers] { try PrivateDirectory.create(url, enforce: false) }
        try PrivateDirectory.create(runtime)
        PrivateDirectory.secure(tree: runtime, flat: [status.lastPathComponent])
        for url in [routerDirectory, certificates, proxies, issuers, links, status, state, redeemed] {
            try PrivateDirectory.create(url)
        }
    }
}

/// A path the agent refused to write.
public struct PathError: Error, CustomStringConvertible, Sendable, Hashable {
    public var path: String
    public var reason: String
    public var description: String { "refusing to write \(path): \(reason)" }
}
