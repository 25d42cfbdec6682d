/// What a namespace's resources mean taken together: the active site, the router accesses (user-written and
/// implied), the certificates to have, and the problems that keep a resource out of the router.
public struct SitePlan: Sendable {
    /// The active Site, nil when none is defined.
    public var site: Resource?
    public var listeners: [Resource] = []
    public var connectors: [Resource] = []
    /// Links whose credentials are present, with the Secret that holds them.
    public var links: [(resource: Resource, secret: Resource)] = []
    public var routerAccesses: [EffectiveRouterAccess] = []
    public var certificates: [CertificateRequest] = []
    /// Resources that cannot be applied, and why (shown in their status).
    public var problems: [ResourceID: String] = [:]

    /// The CA that signs link certificates and the link-access server certificate.
    public static let siteCA = "skupper-site-ca"
    /// The CA of the local management access.
    public static let localCA = "skupper-local-ca"
    /// The CA that signs listener and connector TLS credentials.
    public static let serviceCA = "skupper-service-ca"
    /// The local management access and its certificates.
    public static let localAccess = "skupper-local"
    public static let localServer = "skupper-local-server"
    public static let localClient = "skupper-local-client"

    /// The mode the router runs in.
    public var routerMode: String { site?.site?.edge == true ? "edge" : "interior" }

    /// The sslProfile (and certificate directory) a Link's secret is written to.
    public static func linkProfile(_ secret: String) -> String { "\(secret)-profile" }

    /// Builds the plan from all resources of a namespace.
    public init(resources: some Collection<Resource>, identity: SiteIdentity) {
        var secrets: [String: Resource] = [:]
        var sites: [Resource] = []
        var userAccesses: [Resource] = []
        for resource in resources {
            switch resource.kind {
            case .site: sites.append(resource)
            case .listener: listeners.append(resource)
            case .connector: connectors.append(resource)
            case .secret: secrets[resource.name] = resource
            case .routerAccess: userAccesses.append(resource)
            default: break
            }
        }
        sites.sort { $0.name < $1.name }
        listeners.sort { $0.name < $1.name }
        connectors.sort { $0.name < $1.name }
        userAccesses.sort { $0.name < $1.name }
        site = sites.first
        for extra in sites.dropFirst() {
            problems[extra.id] = "only one Site is allowed per namespace; Site \"\(sites[0].name)\" is active"
        }
        guard let site, let siteSpec = site.site else {
            let message = "no Site is defined in this namespace"
            for resource in resources where resource.kind != .site && resource.kind != .secret { problems[resource.id] = message }
            return
        }

        // Listeners: one (host, port) each.
        var bound: [String: String] = [:]
        listeners = listeners.filter { listener in
            let spec = listener.listener!
            let key = "\(spec.host):\(spec.port)"
            if let other = bound[key] {
                problems[listener.id] = "host and port \(key) are already used by Listener \"\(other)\""
                return false
            }
            bound[key] = listener.name
            return true
        }

        // Links need their Secret.
        for resource in resources where resource.kind == .link {
            let spec = resource.link!
            let secretName = spec.tlsCredentials ?? resource.name
            guard let secret = secrets[secretName] else {
                problems[resource.id] = "Secret \"\(secretName)\" (spec.tlsCredentials) not found"
                continue
            }
            let role = routerMode == "edge" ? "edge" : "inter-router"
            guard spec.endpoint(role: role) != nil else {
                problems[resource.id] = "no \(role) endpoint for this site's router mode"
                continue
            }
            links.append((resource, secret))
        }
        links.sort { $0.resource.name < $1.resource.name }

        // Router accesses: local management, then the user's, then the one linkAccess implies.
        routerAccesses.append(EffectiveRouterAccess(
            name: Self.localAccess, roles: [.init(name: "normal", port: identity.localPort)], bindHost: "127.0.0.1",
            tlsCredentials: Self.localServer, issuer: Self.localCA, subjectAlternativeNames: ["127.0.0.1", "localhost"], generated: true))
        var ports: [Int: String] = [identity.localPort: Self.localAccess]
        for access in userAccesses {
            let spec = access.routerAccess!
            if let clash = spec.roles.first(where: { ports[$0.port] != nil }) {
                problems[access.id] = "port \(clash.port) is already used by RouterAccess \"\(ports[clash.port]!)\""
                continue
            }
            for role in spec.roles { ports[role.port] = access.name }
            routerAccesses.append(EffectiveRouterAccess(
                name: access.name, roles: spec.roles, bindHost: spec.bindHost, tlsCredentials: spec.tlsCredentials,
                issuer: spec.issuer ?? siteSpec.issuer, subjectAlternativeNames: spec.subjectAlternativeNames, generated: false))
        }
        if siteSpec.linkAccessEnabled, !userAccesses.contains(where: { $0.name == site.name }) {
            routerAccesses.append(EffectiveRouterAccess(
                name: site.name,
                roles: [.init(name: "inter-router", port: identity.interRouterPort), .init(name: "edge", port: identity.edgePort)],
                bindHost: nil, tlsCredentials: site.name, issuer: siteSpec.issuer,
                subjectAlternativeNames: identity.hosts, generated: true))
        }

        // Certificates: CAs first, then leaves.
        var authorities = [Self.localCA, Self.siteCA, Self.serviceCA]
        for access in routerAccesses where !authorities.contains(access.issuer) { authorities.append(access.issuer) }
        certificates = authorities.map(CertificateRequest.authority)
        certificates.append(CertificateRequest(name: Self.localServer, kind: .leaf, commonName: "127.0.0.1", hosts: ["127.0.0.1", "localhost"], issuer: Self.localCA))
        certificates.append(CertificateRequest(name: Self.localClient, kind: .leaf, commonName: "127.0.0.1", hosts: ["127.0.0.1", "localhost"], issuer: Self.localCA))
        for access in routerAccesses where access.acceptsLinks {
            certificates.append(CertificateRequest(name: access.tlsCredentials, kind: .leaf, commonName: access.name,
                                                   hosts: access.certificateHosts, issuer: access.issuer))
            certificates.append(CertificateRequest(name: "client-\(access.tlsCredentials)", kind: .leaf,
                                                   commonName: "client-\(access.tlsCredentials)", issuer: access.issuer))
        }
        var seen = Set(certificates.map(\.name))
        for resource in listeners + connectors {
            let (tls, host) = resource.listener.map { ($0.tlsCredentials, $0.host) } ?? (resource.connector!.tlsCredentials, resource.connector!.host)
            guard let tls, !tls.isEmpty, secrets[tls] == nil, seen.insert(tls).inserted else { continue }
            certificates.append(CertificateRequest(name: tls, kind: .leaf, commonName: host, hosts: [host], issuer: Self.serviceCA))
        }
    }

    /// The router accesses through which remote sites can link.
    public var linkAccesses: [EffectiveRouterAccess] { routerAccesses.filter(\.acceptsLinks) }

    /// Whether link access is enabled (a RouterAccess with an inter-router or edge role exists).
    public var linkAccessEnabled: Bool { !linkAccesses.isEmpty }
}
