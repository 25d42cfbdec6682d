/// What a namespace's resources mean taken together: the active site, the router accesses (user-written and
/// implied), the listeners, multi-key listeners and connectors in force, the certificates to have, and the problems
/// that keep a resource out of the router. The few site-wide kinds (Site, RouterAccess, Link, Certificate, Secret)
/// are re-planned together (`replan`); services, which can be thousands, are updated one by one (`services`).
public struct SitePlan: Sendable {
    /// The active Site, nil when none is defined.
    public var site: Resource?
    /// The listeners, multi-key listeners and connectors, indexed.
    public private(set) var services = ServiceCatalog()
    /// Links whose credentials (and proxy profile, if they name one) are present, with the Secret that holds them.
    public var links: [(link: TypedResource<LinkSpec>, secret: TypedResource<SecretSpec>)] = []
    /// The proxy profiles the planned Links go through, by name.
    public var proxyProfiles: [String: ProxyProfile] = [:]
    public var routerAccesses: [EffectiveRouterAccess] = []
    /// The certificates of the site itself (CAs, router access and local access) and the user's Certificates, without
    /// those the services' `tlsCredentials` imply.
    public var siteCertificates: [CertificateRequest] = []
    /// Problems of the site-wide kinds (listener conflicts are the catalog's).
    var siteProblems: [ResourceID: String] = [:]
    /// Names of the Secrets present.
    var secretNames: Set<String> = []

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
    public var routerMode: RouterMode { site?.site?.edge == true ? .edge : .interior }

    /// The sslProfile (and certificate directory) a Link's secret is written to.
    public static func linkProfile(_ secret: String) -> String { "\(secret)-profile" }

    /// An empty plan: no site, no services.
    public init() {}

    /// Builds the plan from all resources of a namespace.
    public init(resources: some Collection<Resource>, identity: SiteIdentity) {
        var changes: [ResourceID: Resource?] = [:]
        for resource in resources where Self.serviceKinds.contains(resource.kind) { changes[resource.id] = resource }
        _ = services.apply(changes)
        replan(resources.filter { Self.siteWideKinds.contains($0.kind) }, identity: identity)
    }

    /// The kinds planned together by `replan`.
    public static let siteWideKinds: Set<ResourceKind> = [.site, .routerAccess, .link, .certificate, .secret]

    /// The kinds kept in the service catalog and updated one by one.
    public static let serviceKinds: Set<ResourceKind> = [.listener, .multiKeyListener, .connector]

    /// The message every resource gets while no Site is defined.
    public static let noSite = "no Site is defined in this namespace"

    /// Applies new versions (or removals) of services.
    public mutating func updateServices(_ changes: [ResourceID: Resource?]) -> ServiceCatalog.Update {
        services.apply(changes)
    }

    /// Plans the site-wide kinds again from all Sites, RouterAccesses, Links, Certificates and Secrets (other kinds are
    /// ignored).
    public mutating func replan(_ resources: some Collection<Resource>, identity: SiteIdentity) {
        site = nil
        extraSites = []
        links = []
        proxyProfiles = [:]
        routerAccesses = []
        siteCertificates = []
        siteProblems = [:]
        var secrets: [String: TypedResource<SecretSpec>] = [:]
        var sites: [Resource] = []
        var userAccesses: [TypedResource<RouterAccessSpec>] = []
        var userLinks: [TypedResource<LinkSpec>] = []
        var userCertificates: [TypedResource<CertificateSpec>] = []
        for resource in resources {
            switch resource.kind {
            case .site: sites.append(resource)
            case .secret: secrets[resource.name] = TypedResource(resource)
            case .routerAccess: userAccesses.append(contentsOf: TypedResource(resource).map { [$0] } ?? [])
            case .link: userLinks.append(contentsOf: TypedResource(resource).map { [$0] } ?? [])
            case .certificate: userCertificates.append(contentsOf: TypedResource(resource).map { [$0] } ?? [])
            default: break
            }
        }
        secretNames = Set(secrets.keys)
        sites.sort { $0.name < $1.name }
        userAccesses.sort { $0.name < $1.name }
        site = sites.first
        extraSites = Array(sites.dropFirst())
        for extra in extraSites {
            siteProblems[extra.id] = Self.secondSite(active: sites[0].name)
        }
        guard let site, let siteSpec = site.site else { return }

        // Links need their Secret.
        for resource in userLinks {
            let spec = resource.spec
            let secretName = spec.tlsCredentials ?? resource.name
            guard let secret = secrets[secretName] else {
                siteProblems[resource.id] = "Secret \"\(secretName)\" (spec.tlsCredentials) not found"
                continue
            }
            let role = routerMode.linkRole
            guard spec.endpoint(role: role) != nil else {
                siteProblems[resource.id] = "no \(role) endpoint for this site's router mode"
                continue
            }
            if let proxyName = ProxyProfile.name(of: spec) {
                // The connector is left out rather than naming a profile the router does not have.
                let field = "spec.settings.\(ProxyProfile.setting)"
                guard let proxySecret = secrets[proxyName] else {
                    siteProblems[resource.id] =
                        "Secret \"\(proxyName)\" (\(field)) not found: it holds the proxy's host and port "
                        + "(and username and password for basic authentication)"
                    continue
                }
                switch ProxyProfile.from(proxySecret) {
                case .success(let profile): proxyProfiles[proxyName] = profile
                case .failure(let problem):
                    siteProblems[resource.id] = "Secret \"\(proxyName)\" (\(field)) cannot be used as a proxy profile: it \(problem)"
                    continue
                }
            }
            links.append((resource, secret))
        }
        links.sort { $0.link.name < $1.link.name }

        // Router accesses: local management, then the user's, then the one linkAccess implies.
        routerAccesses.append(
            EffectiveRouterAccess(
                name: Self.localAccess, roles: [.init(name: "normal", port: identity.localPort)], bindHost: "127.0.0.1",
                tlsCredentials: Self.localServer, issuer: Self.localCA, subjectAlternativeNames: ["127.0.0.1", "localhost"], generated: true))
        var ports: [Int: String] = [identity.localPort: Self.localAccess]
        for access in userAccesses {
            let spec = access.spec
            if let clash = spec.roles.first(where: { ports[$0.port] != nil }) {
                siteProblems[access.id] = "port \(clash.port) is already used by RouterAccess \"\(ports[clash.port]!)\""
                continue
            }
            for role in spec.roles { ports[role.port] = access.name }
            routerAccesses.append(
                EffectiveRouterAccess(
                    name: access.name, roles: spec.roles, bindHost: spec.bindHost, tlsCredentials: spec.tlsCredentials ?? access.name,
                    issuer: spec.issuer ?? siteSpec.issuer, subjectAlternativeNames: spec.subjectAlternativeNames, generated: false))
        }
        if siteSpec.linkAccessEnabled, !userAccesses.contains(where: { $0.name == site.name }) {
            routerAccesses.append(
                EffectiveRouterAccess(
                    name: site.name,
                    roles: [
                        .init(name: RouterMode.interRouterRole, port: identity.interRouterPort), .init(name: RouterMode.edgeRole, port: identity.edgePort),
                    ],
                    bindHost: nil, tlsCredentials: site.name, issuer: siteSpec.issuer,
                    subjectAlternativeNames: identity.hosts, generated: true))
        }

        // Certificates: CAs first, then leaves.
        var authorities = [Self.localCA, Self.siteCA, Self.serviceCA]
        for access in routerAccesses where !authorities.contains(access.issuer) { authorities.append(access.issuer) }
        siteCertificates = authorities.map(CertificateRequest.authority)
        siteCertificates.append(
            CertificateRequest(name: Self.localServer, kind: .leaf, commonName: "127.0.0.1", hosts: ["127.0.0.1", "localhost"], issuer: Self.localCA))
        siteCertificates.append(
            CertificateRequest(name: Self.localClient, kind: .leaf, commonName: "127.0.0.1", hosts: ["127.0.0.1", "localhost"], issuer: Self.localCA))
        for access in routerAccesses where access.acceptsLinks {
            siteCertificates.append(
                CertificateRequest(
                    name: access.tlsCredentials, kind: .leaf, commonName: access.name,
                    hosts: access.certificateHosts, issuer: access.issuer))
            siteCertificates.append(
                CertificateRequest(
                    name: "client-\(access.tlsCredentials)", kind: .leaf,
                    commonName: "client-\(access.tlsCredentials)", issuer: access.issuer))
        }
        planUserCertificates(userCertificates.sorted { $0.name < $1.name })
    }

    /// The site's CAs no Certificate may replace (a Secret of the same name may).
    public static let fixedAuthorities: Set<String> = [localCA, siteCA, serviceCA]

    /// Adds the user's Certificates to `siteCertificates`: a signing one takes the place of a CA the site would
    /// generate under that name (a RouterAccess's issuer), a leaf the place of a user RouterAccess's server
    /// certificate; the site's own fixed credentials are never replaced. A leaf's `ca` must be a CA the site has.
    mutating func planUserCertificates(_ certificates: [TypedResource<CertificateSpec>]) {
        var replaceable = Set(siteCertificates.filter { $0.kind == .authority && !Self.fixedAuthorities.contains($0.name) }.map(\.location))
        for access in routerAccesses where !access.generated && access.acceptsLinks {
            replaceable.insert(CertificateRequest.Location(kind: .leaf, name: access.tlsCredentials))
        }
        let taken = Set(siteCertificates.map(\.location)).subtracting(replaceable)
        let signing = Dictionary(certificates.map { ($0.name, $0.spec.signing) }, uniquingKeysWith: { first, _ in first })
        var accepted: [CertificateRequest] = []
        // CAs first: leaves name them.
        for certificate in certificates.sorted(by: { ($0.spec.signing ? 0 : 1, $0.name) < ($1.spec.signing ? 0 : 1, $1.name) }) {
            let spec = certificate.spec
            let request =
                spec.signing
                ? CertificateRequest(name: certificate.name, kind: .authority, commonName: spec.subject)
                : CertificateRequest(name: certificate.name, kind: .leaf, commonName: spec.subject, hosts: spec.hosts, issuer: spec.ca)
            if taken.contains(request.location) {
                siteProblems[certificate.id] =
                    "\"\(certificate.name)\" is one of the site's own credentials, which the site generates itself (a Secret of that name supplies your own)"
                continue
            }
            if let ca = request.issuer {
                let authorities = Set((siteCertificates + accepted).filter { $0.kind == .authority }.map(\.name))
                if let caIsSigning = signing[ca], !authorities.contains(ca) {
                    siteProblems[certificate.id] =
                        caIsSigning
                        ? "CA \"\(ca)\" (spec.ca) cannot be used: its Certificate has an error"
                        : "Certificate \"\(ca)\" (spec.ca) is not a signing certificate"
                    continue
                }
                if !authorities.contains(ca) {
                    guard secretNames.contains(ca) else {
                        siteProblems[certificate.id] =
                            "CA \"\(ca)\" (spec.ca) not found: name a signing Certificate, one of the site's CAs (\(Self.siteCA), \(Self.serviceCA)) or a Secret holding a CA"
                        continue
                    }
                    // A Secret holding a CA: copied to runtime/issuers/ like any CA a Secret supplies.
                    accepted.append(.authority(ca))
                }
            }
            accepted.append(request)
        }
        for request in accepted {
            if let index = siteCertificates.firstIndex(where: { $0.location == request.location }) {
                siteCertificates[index] = request
            } else {
                siteCertificates.append(request)
            }
        }
    }

    /// Sites beyond the first by name: not applied, each an error located in its file.
    public private(set) var extraSites: [Resource] = []

    /// The one rule for a second Site, as the agent, `skupper site create` and `skupper system apply` say it.
    public static func secondSite(active: String) -> String {
        "only one Site is allowed per namespace; Site \"\(active)\" is active"
    }

    /// Why a resource cannot be applied, if it cannot (shown in its status).
    public func problem(for id: ResourceID) -> String? {
        if let problem = siteProblems[id] { return problem }
        if site == nil { return id.kind == .site || id.kind == .secret ? nil : Self.noSite }
        return id.kind == .listener || id.kind == .multiKeyListener ? services.conflict(id) : nil
    }

    /// The listeners in force, in name order.
    public var listeners: [Resource] { services.activeListenerNames.map { services.listeners[$0]! } }

    /// The multi-key listeners in force, in name order.
    public var multiKeyListeners: [Resource] { services.activeMultiKeyListenerNames.map { services.multiKeyListeners[$0]! } }

    /// The connectors, in name order.
    public var connectors: [Resource] { services.connectorNames.map { services.connectors[$0]! } }

    /// The listeners and multi-key listeners in force and the connectors that name `tlsCredentials`: listeners,
    /// then multi-key listeners, then connectors, each in name order.
    public var tlsServices: [Resource] {
        let users = services.tlsUsers.filter { $0.key.kind == .connector || services.isActive($0.key) }.values
        let rank: (Resource) -> Int = { $0.kind == .listener ? 0 : $0.kind == .multiKeyListener ? 1 : 2 }
        return users.sorted { (rank($0), $0.name) < (rank($1), $1.name) }
    }

    /// Every certificate the site needs: its own and the user's Certificates, then a leaf signed by the service CA
    /// for each services' `tlsCredentials` no Certificate provides (a Secret of that name, when there is one, takes
    /// its place on disk).
    public var certificates: [CertificateRequest] {
        guard site != nil else { return [] }
        var result = siteCertificates
        var leaves = Set(result.filter { $0.kind == .leaf }.map(\.name))
        for resource in tlsServices {
            let tls: String?, host: String
            switch resource.spec {
            case .listener(let spec): (tls, host) = (spec.tlsCredentials, spec.host)
            case .multiKeyListener(let spec): (tls, host) = (spec.tlsCredentials, spec.host)
            case .connector(let spec): (tls, host) = (spec.tlsCredentials, spec.host)
            default: continue
            }
            guard let tls, !tls.isEmpty, leaves.insert(tls).inserted else { continue }
            result.append(CertificateRequest(name: tls, kind: .leaf, commonName: host, hosts: [host], issuer: Self.serviceCA))
        }
        return result
    }

    /// The router accesses through which remote sites can link.
    public var linkAccesses: [EffectiveRouterAccess] { routerAccesses.filter(\.acceptsLinks) }

    /// Whether link access is enabled (a RouterAccess with an inter-router or edge role exists).
    public var linkAccessEnabled: Bool { !linkAccesses.isEmpty }
}
