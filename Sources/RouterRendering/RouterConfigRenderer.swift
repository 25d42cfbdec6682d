import HostSupport
import Resources
import RouterEntities
import TextSupport

/// Renders a site's plan into the router configuration Skupper v2 writes for the same resources.
public struct RouterConfigRenderer: Sendable {
    /// The platform named in the router's metadata and site entity ("linux", "docker", "podman", "systemd").
    public var platform: String
    /// The directory under which `runtime/certs` is found, as the router sees it: the namespace directory on
    /// the host for linux/systemd, `${SSL_PROFILE_BASE_PATH}` for containers (expanded by the router image).
    public var sslProfileBasePath: String
    /// The version written into the metadata.
    public var version: String

    /// The base path used for container platforms (the router image expands it).
    public static let containerBasePath = "${SSL_PROFILE_BASE_PATH}"

    public init(platform: String, sslProfileBasePath: String, version: String) {
        self.platform = platform
        self.sslProfileBasePath = sslProfileBasePath
        self.version = version
    }

    /// The full configuration for a plan; nil when the namespace has no Site.
    public func render(_ plan: SitePlan, identity: SiteIdentity, namespace: String) -> RouterConfig? {
        guard let parts = siteEntities(plan, identity: identity, namespace: namespace) else { return nil }
        let connectors = plan.connectors.compactMap(TypedResource<ConnectorSpec>.init).map(tcpConnector)
        let listeners = plan.listeners.compactMap(TypedResource<ListenerSpec>.init).map(tcpListener)
        let multiKey = plan.multiKeyListeners.compactMap(TypedResource<MultiKeyListenerSpec>.init)
        return RouterConfig(
            entities: parts.head + connectors + listeners + multiKey.map(multiAddressListener)
                + multiKey.flatMap(listenerAddresses) + parts.tail)
    }

    /// The text of `skrouterd.json` for a plan, taking the services' entities from `services` (kept up to date with
    /// `RenderedServices.update`), so a change to one service re-renders only that one.
    /// The same text as `render(...)?.json()`; nil when the namespace has no Site.
    public func renderText(_ plan: SitePlan, identity: SiteIdentity, namespace: String, services: RenderedServices) -> String? {
        renderPieces(plan, identity: identity, namespace: namespace, services: services).map { RouterConfig.json(fragments: $0.fragments.map(\.string)) }
    }

    /// The text of `skrouterd.json` as pieces to write one after another (each a run of entities, the file's list
    /// without its brackets and separators, see `RouterConfig.json(fragments:)`); nil when the namespace has no Site.
    /// `ordinals`: each sslProfile's credentials revision (none: zero).
    public func renderPieces(
        _ plan: SitePlan, identity: SiteIdentity, namespace: String, services: RenderedServices, ordinals: [String: TLSOrdinal] = [:]
    ) -> RenderedText? {
        guard let parts = siteEntities(plan, identity: identity, namespace: namespace, ordinals: ordinals) else { return nil }
        let head = parts.head.map { $0.fragment() }, tail = parts.tail.map { $0.fragment() }
        return RenderedText(
            siteConfig: RouterConfig(entities: parts.head + parts.tail), site: head + tail,
            fragments: head.map(TextPiece.text) + services.pieces + tail.map(TextPiece.text))
    }

    /// A configuration's text in pieces, and the site's own entities apart (what a change of services leaves alone).
    public struct RenderedText: Sendable {
        /// The configuration without its TCP listeners and connectors.
        public var siteConfig: RouterConfig
        /// The fragments of `siteConfig`'s entities, in order.
        public var site: [String]
        /// The whole list's pieces, in order (see `RouterConfig.json(fragments:)`), the services' packed.
        public var fragments: [TextPiece]
    }

    /// The entities before the services (router, sslProfiles, proxyProfiles, connectors, listeners, the multicast
    /// address) and after them (log, site).
    func siteEntities(
        _ plan: SitePlan, identity: SiteIdentity, namespace: String, ordinals: [String: TLSOrdinal] = [:]
    ) -> (head: [RouterConfig.Entity], tail: [RouterConfig.Entity])? {
        guard plan.site != nil else { return nil }
        func sslProfile(_ name: String, clientAuth: Bool) -> RouterConfig.Entity {
            self.sslProfile(name, clientAuth: clientAuth, ordinal: ordinals[name] ?? TLSOrdinal())
        }
        var profiles: [String: RouterConfig.Entity] = [:]
        var proxies: [String: RouterConfig.Entity] = [:]
        var connectors: [RouterConfig.Entity] = []
        var listeners: [RouterConfig.Entity] = []

        for access in plan.routerAccesses {
            profiles[access.tlsCredentials] = sslProfile(access.tlsCredentials, clientAuth: true)
            for role in access.roles {
                var attributes: [(String, JSONValue)] = [("name", .string("\(access.name)-\(role.name)")), ("role", .string(role.name))]
                if let host = access.bindHost, !host.isEmpty { attributes.append(("host", .string(host))) }
                attributes += [
                    ("port", .int(role.port)), ("sslProfile", .string(access.tlsCredentials)),
                    ("saslMechanisms", .string("EXTERNAL")), ("authenticatePeer", .bool(true)),
                ]
                listeners.append(.init("listener", attributes))
            }
        }

        let role = plan.routerMode.linkRole
        for (link, secret) in plan.links {
            let spec = link.spec
            guard let endpoint = spec.endpoint(role: role) else { continue }
            let profile = SitePlan.linkProfile(secret.name)
            profiles[profile] = sslProfile(profile, clientAuth: true)
            var attributes: [(String, JSONValue)] = [
                ("name", .string(link.name)), ("role", .string(role)),
                ("host", .string(endpoint.host)), ("port", .string(endpoint.port)),
                ("cost", .int(max(spec.cost, 1))), ("sslProfile", .string(profile)),
            ]
            // The plan holds only Links whose proxy profile exists.
            if let proxy = ProxyProfile.name(of: spec), let profile = plan.proxyProfiles[proxy] {
                attributes.append(("proxyProfile", .string(proxy)))
                proxies[proxy] = proxyProfile(profile)
            }
            connectors.append(.init("connector", attributes))
        }

        // Services with TLS name an sslProfile each.
        for resource in plan.tlsServices {
            if let tls = resource.listener?.tlsCredentials ?? resource.multiKeyListener?.tlsCredentials {
                profiles[tls] = sslProfile(tls, clientAuth: true)
            } else if let spec = resource.connector, let tls = spec.tlsCredentials {
                let profile = spec.useClientCert ? tls : SitePlan.linkProfile(tls)
                profiles[profile] = sslProfile(profile, clientAuth: spec.useClientCert)
            }
        }

        let metadata = JSONValue.object([("id", .string(identity.siteId)), ("version", .string(version)), ("platform", .string(platform))])
        var head: [RouterConfig.Entity] = [
            .init(
                "router",
                [
                    ("id", .string(identity.routerId)), ("mode", .string(plan.routerMode.rawValue)),
                    ("helloMaxAgeSeconds", .string("3")), ("metadata", .string(metadata.compact())),
                ])
        ]
        head += profiles.keys.sorted().map { profiles[$0]! }
        head += proxies.keys.sorted().map { proxies[$0]! }
        head += connectors
        head += listeners.sorted { ($0.text("name") ?? "") < ($1.text("name") ?? "") }
        head.append(.init("address", [("prefix", .string("mc")), ("distribution", .string("multicast"))]))
        let logging = plan.site?.site?.routerLogging ?? .standard
        let tail: [RouterConfig.Entity] =
            logging.entries.map { .init("log", [("module", .string($0.module)), ("enable", .string($0.enable))]) } + [
                .init(
                    "site",
                    [
                        ("name", .string(identity.routerId)), ("platform", .string(platform)),
                        ("namespace", .string(namespace)), ("version", .string(version)),
                    ])
            ]
        return (head, tail)
    }

    /// The tcpListener of a Listener.
    func tcpListener(_ listener: TypedResource<ListenerSpec>) -> RouterConfig.Entity {
        let spec = listener.spec
        var attributes: [(String, JSONValue)] = [
            ("name", .string("listener/\(listener.name)")), ("host", .string(spec.host)),
            ("port", .string(String(spec.port))), ("address", .string(spec.routingKey)),
        ]
        if let tls = spec.tlsCredentials, !tls.isEmpty { attributes.append(("sslProfile", .string(tls))) }
        if let observer = spec.observer, !observer.isEmpty { attributes.append(("observer", .string(observer))) }
        if spec.requireClientCert { attributes.append(("authenticatePeer", .bool(true))) }
        return .init("tcpListener", attributes)
    }

    /// The tcpListener of a MultiKeyListener: no address of its own, a strategy to pick one of its listenerAddresses.
    func multiAddressListener(_ listener: TypedResource<MultiKeyListenerSpec>) -> RouterConfig.Entity {
        let spec = listener.spec
        var attributes: [(String, JSONValue)] = [
            ("name", .string(Self.multiAddressListenerName(listener.name))), ("host", .string(spec.host)),
            ("port", .string(String(spec.port))),
        ]
        if let tls = spec.tlsCredentials, !tls.isEmpty { attributes.append(("sslProfile", .string(tls))) }
        if let observer = spec.observer, !observer.isEmpty { attributes.append(("observer", .string(observer))) }
        attributes.append(("multiAddressStrategy", .string(spec.strategy.name)))
        if spec.requireClientCert { attributes.append(("authenticatePeer", .bool(true))) }
        return .init("tcpListener", attributes)
    }

    /// The listenerAddress entities of a MultiKeyListener, one per routing key: its priority (the first key the
    /// highest value) or its weight.
    func listenerAddresses(_ listener: TypedResource<MultiKeyListenerSpec>) -> [RouterConfig.Entity] {
        let values: [(String, Int)]
        switch listener.spec.strategy {
        case .priority(let keys): values = keys.enumerated().map { ($0.element, keys.count - 1 - $0.offset) }
        case .weighted(let weights): values = weights.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        return values.map { key, value in
            .init(
                "listenerAddress",
                [
                    ("name", .string("\(listener.name)/\(key)")), ("address", .string(key)), ("value", .int(value)),
                    ("listener", .string(Self.multiAddressListenerName(listener.name))),
                ])
        }
    }

    /// The router's name for a MultiKeyListener's tcpListener (apart from Listeners' `listener/<name>`).
    public static func multiAddressListenerName(_ name: String) -> String { "multiAddress/\(name)" }

    /// The tcpConnector of a Connector.
    func tcpConnector(_ connector: TypedResource<ConnectorSpec>) -> RouterConfig.Entity {
        let spec = connector.spec
        var attributes: [(String, JSONValue)] = [
            ("name", .string("connector/\(connector.name)@\(spec.host)")), ("host", .string(spec.host)),
            ("port", .string(String(spec.port))), ("address", .string(spec.routingKey)),
        ]
        if let tls = spec.tlsCredentials, !tls.isEmpty {
            attributes.append(("sslProfile", .string(spec.useClientCert ? tls : SitePlan.linkProfile(tls))))
            attributes.append(("verifyHostname", .bool(spec.verifyHostname)))
        }
        return .init("tcpConnector", attributes)
    }

    /// An sslProfile whose files live in `<base>/runtime/certs/<name>/`; with client auth it also names the key pair.
    func sslProfile(_ name: String, clientAuth: Bool, ordinal: TLSOrdinal = TLSOrdinal()) -> RouterConfig.Entity {
        let directory = "\(sslProfileBasePath)/runtime/certs/\(name)"
        var attributes: [(String, JSONValue)] = [("name", .string(name))]
        if clientAuth {
            attributes += [("certFile", .string("\(directory)/tls.crt")), ("privateKeyFile", .string("\(directory)/tls.key"))]
        }
        attributes.append(("caCertFile", .string("\(directory)/ca.crt")))
        if ordinal.ordinal > 0 { attributes.append(("ordinal", .int(ordinal.ordinal))) }
        if ordinal.oldestValid > 0 { attributes.append(("oldestValidOrdinal", .int(ordinal.oldestValid))) }
        return .init("sslProfile", attributes)
    }

    /// A proxyProfile; with basic authentication its password is read from `<base>/runtime/proxies/<name>/password.txt`
    /// (`file:`, as Skupper v2 names it on Kubernetes), so the password never appears in the configuration.
    func proxyProfile(_ profile: ProxyProfile) -> RouterConfig.Entity {
        var attributes: [(String, JSONValue)] = [("name", .string(profile.name)), ("host", .string(profile.host)), ("port", .string(profile.port))]
        if let username = profile.username, profile.password != nil {
            attributes.append(("username", .string(username)))
            attributes.append(("password", .string("file:\(sslProfileBasePath)/runtime/proxies/\(profile.name)/\(ProxyProfile.passwordFile)")))
        }
        return .init("proxyProfile", attributes)
    }

}

/// The serialized tcpListener, tcpConnector and listenerAddress entities of a site, by resource and in file order, so
/// that a change to one service re-renders only its entities and the file's text is joined again only around them
/// (see `RouterConfigRenderer.renderText`).
public struct RenderedServices: Sendable {
    /// Connectors' tcpConnectors, listeners' tcpListeners (those holding their host:port), multi-key listeners'
    /// tcpListeners and their listenerAddress entities, each by resource name.
    private var connectors = FragmentList()
    private var listeners = FragmentList()
    private var multiKeyListeners = FragmentList()
    private var addresses = FragmentList()
    /// Goes up whenever a rendered entity changes: an unchanged generation means an unchanged text.
    public private(set) var generation = 0

    public init() {}

    /// Batches at least this large are rendered on every core.
    static let parallelBatch = 256

    /// Renders again the entities of `ids` (listeners in force and connectors), and drops those no longer rendered.
    public mutating func update(_ ids: some Sequence<ResourceID>, plan: SitePlan, renderer: RouterConfigRenderer) {
        let ids = Array(ids)
        // Rendering is a pure function of the plan: a large batch (a cold start) is rendered on every core.
        let rendered = Offload.map(ids.count, parallelFrom: Self.parallelBatch) { Self.render(ids[$0], plan: plan, renderer: renderer) }
        var changed = false
        for (id, fragments) in zip(ids, rendered) {
            switch id.kind {
            case .listener: changed = listeners.set(id.name, fragments.entity) || changed
            case .multiKeyListener:
                changed = multiKeyListeners.set(id.name, fragments.entity) || changed
                changed = addresses.set(id.name, fragments.addresses) || changed
            case .connector: changed = connectors.set(id.name, fragments.entity) || changed
            default: continue
            }
        }
        connectors.finishChanges()
        listeners.finishChanges()
        multiKeyListeners.finishChanges()
        addresses.finishChanges()
        if changed { generation += 1 }
    }

    /// A service's entity as it is in force (nil when it is not), and a multi-key listener's listenerAddress entities.
    private static func render(_ id: ResourceID, plan: SitePlan, renderer: RouterConfigRenderer) -> (entity: String?, addresses: String?) {
        switch id.kind {
        case .listener:
            let listener = plan.services.isActive(id) ? plan.services.listeners[id.name].flatMap(TypedResource<ListenerSpec>.init) : nil
            return (listener.map { renderer.tcpListener($0).fragment() }, nil)
        case .multiKeyListener:
            let listener = plan.services.isActive(id) ? plan.services.multiKeyListeners[id.name].flatMap(TypedResource<MultiKeyListenerSpec>.init) : nil
            let entities = listener.map { renderer.listenerAddresses($0).map { $0.fragment() }.joined(separator: ",\n") }
            return (listener.map { renderer.multiAddressListener($0).fragment() }, entities?.isEmpty == false ? entities : nil)
        case .connector:
            let connector = plan.services.connectors[id.name].flatMap(TypedResource<ConnectorSpec>.init)
            return (connector.map { renderer.tcpConnector($0).fragment() }, nil)
        default:
            return (nil, nil)
        }
    }

    /// Renders every service of the plan anew.
    public mutating func rebuild(plan: SitePlan, renderer: RouterConfigRenderer) {
        connectors = FragmentList()
        listeners = FragmentList()
        multiKeyListeners = FragmentList()
        addresses = FragmentList()
        generation += 1
        let services = plan.services
        update(
            services.listeners.keys.map { ResourceID(.listener, $0) } + services.multiKeyListeners.keys.map { ResourceID(.multiKeyListener, $0) }
                + services.connectors.keys.map { ResourceID(.connector, $0) }, plan: plan, renderer: renderer)
    }

    /// The entities rendered for one resource (none when it is not in force): what management must make of it.
    public func entities(of id: ResourceID) -> [RouterConfig.Entity] {
        var fragments: [String] = []
        switch id.kind {
        case .listener: fragments = [listeners.fragment(id.name)].compactMap { $0 }
        case .multiKeyListener: fragments = [multiKeyListeners.fragment(id.name), addresses.fragment(id.name)].compactMap { $0 }
        case .connector: fragments = [connectors.fragment(id.name)].compactMap { $0 }
        default: return []
        }
        guard !fragments.isEmpty else { return [] }
        return RouterConfig.parse(RouterConfig.json(fragments: fragments))?.entities ?? []
    }

    /// The services' part of the file in order, as runs of entities each joined by ",\n".
    public var pieces: [TextPiece] { connectors.pieces + listeners.pieces + multiKeyListeners.pieces + addresses.pieces }
}
