import Resources

/// Renders a site's plan into the router configuration Skupper v2 writes for the same resources.
public struct RouterConfigRenderer: Sendable {
    /// The platform named in the router's metadata and site entity ("linux", "docker", "podman", "systemd").
    public var platform: String
    /// The directory under which `runtime/certs` is found, as the router sees it: the namespace directory on
    /// the host for linux/systemd, `${SSL_PROFILE_BASE_PATH}` for containers (expanded by the router image).
    public var sslProfileBasePath: String
    /// The version written into the metadata.
    public var version: String

    /// The base path used for container platforms.
    public static let containerBasePath = "${SSL_PROFILE_BASE_PATH}"

    public init(platform: String, sslProfileBasePath: String, version: String) {
        self.platform = platform
        self.sslProfileBasePath = sslProfileBasePath
        self.version = version
    }

    /// The full configuration for a plan; nil when the namespace has no Site.
    public func render(_ plan: SitePlan, identity: SiteIdentity, namespace: String) -> RouterConfig? {
        guard plan.site != nil else { return nil }
        var profiles: [String: RouterConfig.Entity] = [:]
        var connectors: [RouterConfig.Entity] = []
        var listeners: [RouterConfig.Entity] = []
        var tcpConnectors: [RouterConfig.Entity] = []
        var tcpListeners: [RouterConfig.Entity] = []

        for access in plan.routerAccesses {
            profiles[access.tlsCredentials] = sslProfile(access.tlsCredentials, clientAuth: true)
            for role in access.roles {
                var attributes: [(String, JSONValue)] = [("name", .string("\(access.name)-\(role.name)")), ("role", .string(role.name))]
                if let host = access.bindHost, !host.isEmpty { attributes.append(("host", .string(host))) }
                attributes += [("port", .int(role.port)), ("sslProfile", .string(access.tlsCredentials)),
                               ("saslMechanisms", .string("EXTERNAL")), ("authenticatePeer", .bool(true))]
                listeners.append(.init("listener", attributes))
            }
        }

        let role = plan.routerMode == "edge" ? "edge" : "inter-router"
        for (link, secret) in plan.links {
            let spec = link.link!
            guard let endpoint = spec.endpoint(role: role) else { continue }
            let profile = SitePlan.linkProfile(secret.name)
            profiles[profile] = sslProfile(profile, clientAuth: true)
            var attributes: [(String, JSONValue)] = [("name", .string(link.name)), ("role", .string(role)),
                                                     ("host", .string(endpoint.host)), ("port", .string(endpoint.port)),
                                                     ("cost", .int(max(spec.cost, 1))), ("sslProfile", .string(profile))]
            if let proxy = spec.settings["proxy-configuration"], !proxy.isEmpty { attributes.append(("proxyProfile", .string(proxy))) }
            connectors.append(.init("connector", attributes))
        }

        for listener in plan.listeners {
            let spec = listener.listener!
            var attributes: [(String, JSONValue)] = [("name", .string("listener/\(listener.name)")), ("host", .string(spec.host)),
                                                     ("port", .string(String(spec.port))), ("address", .string(spec.routingKey))]
            if let tls = spec.tlsCredentials, !tls.isEmpty {
                attributes.append(("sslProfile", .string(tls)))
                profiles[tls] = sslProfile(tls, clientAuth: true)
            }
            if let observer = spec.observer, !observer.isEmpty { attributes.append(("observer", .string(observer))) }
            tcpListeners.append(.init("tcpListener", attributes))
        }

        for connector in plan.connectors {
            let spec = connector.connector!
            var attributes: [(String, JSONValue)] = [("name", .string("connector/\(connector.name)@\(spec.host)")), ("host", .string(spec.host)),
                                                     ("port", .string(String(spec.port))), ("address", .string(spec.routingKey))]
            if let tls = spec.tlsCredentials, !tls.isEmpty {
                let profile = spec.useClientCert ? tls : SitePlan.linkProfile(tls)
                attributes.append(("sslProfile", .string(profile)))
                profiles[profile] = sslProfile(profile, clientAuth: spec.useClientCert)
                attributes.append(("verifyHostname", .bool(spec.verifyHostname)))
            }
            tcpConnectors.append(.init("tcpConnector", attributes))
        }

        let metadata = JSONValue.object([("id", .string(identity.siteId)), ("version", .string(version)), ("platform", .string(platform))])
        var entities: [RouterConfig.Entity] = [
            .init("router", [("id", .string(identity.routerId)), ("mode", .string(plan.routerMode)),
                             ("helloMaxAgeSeconds", .string("3")), ("metadata", .string(Self.compact(metadata)))]),
        ]
        entities += profiles.keys.sorted().map { profiles[$0]! }
        entities += connectors
        entities += listeners.sorted { ($0.text("name") ?? "") < ($1.text("name") ?? "") }
        entities.append(.init("address", [("prefix", .string("mc")), ("distribution", .string("multicast"))]))
        entities += tcpConnectors
        entities += tcpListeners
        let logLevel = plan.site?.site?.settings["router-logging"].map { $0.hasSuffix("+") ? $0 : $0 + "+" } ?? "error+"
        entities.append(.init("log", [("module", .string("ROUTER_CORE")), ("enable", .string(logLevel))]))
        entities.append(.init("site", [("name", .string(identity.routerId)), ("platform", .string(platform)),
                                       ("namespace", .string(namespace)), ("version", .string(version))]))
        return RouterConfig(entities: entities)
    }

    /// An sslProfile whose files live in `<base>/runtime/certs/<name>/`; with client auth it also names the key pair.
    func sslProfile(_ name: String, clientAuth: Bool) -> RouterConfig.Entity {
        let directory = "\(sslProfileBasePath)/runtime/certs/\(name)"
        var attributes: [(String, JSONValue)] = [("name", .string(name))]
        if clientAuth {
            attributes += [("certFile", .string("\(directory)/tls.crt")), ("privateKeyFile", .string("\(directory)/tls.key"))]
        }
        attributes.append(("caCertFile", .string("\(directory)/ca.crt")))
        return .init("sslProfile", attributes)
    }

    /// JSON without whitespace, as Go's encoder writes the metadata string.
    static func compact(_ value: JSONValue) -> String {
        guard case .object(let pairs) = value else { return value.serialized() }
        return "{" + pairs.map { key, value in
            var out = ""
            JSONValue.quote(key, into: &out)
            out += ":"
            if case .string(let s) = value { JSONValue.quote(s, into: &out) } else { out += value.serialized() }
            return out
        }.joined(separator: ",") + "}"
    }
}
