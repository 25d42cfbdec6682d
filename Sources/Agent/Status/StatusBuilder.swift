import FoundationEssentials
import Platforms
import Resources
import RouterManagement
import RouterRendering

/// Decides each resource's status from the plan, the platform's state and what the grant service reports.
struct StatusBuilder {
    let plan: SitePlan
    let platform: PlatformState
    /// What the router says (nil: no router is asked, the render-only platform).
    var router: RouterObservation?
    let fileErrors: Int
    /// Warnings about the input (unknown fields, skipped documents).
    var inputWarnings = 0
    /// Input Secrets whose credentials cannot be used, by name, with why.
    var credentialProblems: [String: String] = [:]
    /// When the certificates on disk expire.
    var expirations: [CertificateRequest.Location: Date] = [:]
    /// The certificates the agent cannot renew that end within 30 days (or ended), described.
    var certificateAttention: [ExpiryWatch.Notice] = []
    /// The last restart of a running router a change needed: when, and why.
    var routerRestart: (at: Date, reasons: [String])?

    /// The status of each of `resources` that has one (Secrets have none), by id.
    func statuses(for resources: some Collection<Resource>, external: [ResourceID: ResourceStatus]) -> [ResourceID: ResourceStatus] {
        var result: [ResourceID: ResourceStatus] = [:]
        result.reserveCapacity(resources.count)
        for resource in resources where resource.kind != .secret {
            let id = resource.id
            if let problem = plan.problem(for: id) {
                result[id] = plan.site == nil ? .pending(problem) : .error(problem)
                continue
            }
            if let status = external[id] {
                result[id] = status
                continue
            }
            switch resource.spec {
            case .site(let spec):
                result[id] = siteStatus(resource, spec)
            case .listener(let spec):
                var status = routed(.ready())
                let matching = router.flatMap { $0.isReachable ? $0.networkHasConnector(routingKey: spec.routingKey) : nil }
                status.set(StatusKey.hasMatchingConnector, .bool(matching ?? plan.services.hasConnector(routingKey: spec.routingKey)))
                result[id] = listening(status, tcpListener: "listener/\(resource.name)", host: spec.host, port: spec.port)
            case .connector(let spec):
                var status = routed(.ready())
                let matching = router.flatMap { $0.isReachable ? $0.networkHasListener(routingKey: spec.routingKey) : nil }
                status.set(StatusKey.hasMatchingListener, .bool(matching ?? plan.services.hasListener(routingKey: spec.routingKey)))
                result[id] = status
            case .multiKeyListener(let spec):
                result[id] = multiKeyListenerStatus(resource.name, spec)
            case .certificate(let spec):
                result[id] = certificateStatus(resource.name, spec)
            case .securedAccess:
                result[id] = Self.securedAccessStatus()
            case .link:
                result[id] = linkStatus(resource.name)
            case .routerAccess:
                let endpoints = plan.routerAccesses.first { $0.name == resource.name }.map(endpointList) ?? []
                result[id] = routed(.ready(fields: [StatusField(StatusKey.endpoints, .list(endpoints))]))
            case .accessGrant, .accessToken, .tokenRequest:
                result[id] = .pending("waiting for the grant service")
            case .secret:
                break
            }
        }
        return result
    }

    /// A MultiKeyListener is Ready once configured, as a Listener is; `hasDestination` and the strategy's
    /// `routingKeysReachable` say which of its routing keys have a connector in the network (as the router reports
    /// the network; this site's own connectors until it has).
    func multiKeyListenerStatus(_ name: String, _ spec: MultiKeyListenerSpec) -> ResourceStatus {
        let network = router.flatMap { $0.isReachable ? $0.network : nil }
        let reachable = spec.strategy.routingKeys.filter { key in
            network.map { $0.contains { $0.connectorAddresses.contains(key) } } ?? plan.services.hasConnector(routingKey: key)
        }
        let keys: StatusValue
        switch spec.strategy {
        case .priority: keys = .list(reachable.map { .string($0) })
        case .weighted(let weights): keys = .map(reachable.map { StatusField($0, .int(weights[$0] ?? 0)) })
        }
        var status = routed(.ready())
        status.set(StatusKey.hasDestination, .bool(!reachable.isEmpty))
        status.set(StatusKey.strategy, .map([StatusField(spec.strategy.name, .map([StatusField(StatusKey.routingKeysReachable, keys)]))]))
        return listening(status, tcpListener: RouterConfigRenderer.multiAddressListenerName(name), host: spec.host, port: spec.port)
    }

    /// A Ready listener's status, or an Error in the router's words when its tcpListener cannot listen.
    func listening(_ status: ResourceStatus, tcpListener: String, host: String, port: Int) -> ResourceStatus {
        guard status.phase == .ready, let failure = router?.listenerErrors[tcpListener] else { return status }
        return .error("the router cannot listen on \(host):\(port): \(failure)", fields: status.fields)
    }

    /// A Certificate is Ready once its files are on disk (`expiration` says until when); a Secret of the same name,
    /// or of its CA's, that cannot be used is its error.
    func certificateStatus(_ name: String, _ spec: CertificateSpec) -> ResourceStatus {
        let location = CertificateRequest.Location(kind: spec.signing ? .authority : .leaf, name: name)
        if let problem = credentialProblems[name] {
            return .error("Secret \"\(name)\" cannot be used: \(problem)")
        }
        if !spec.signing, let ca = spec.ca, let problem = credentialProblems[ca] {
            return .error("CA \"\(ca)\" (spec.ca) cannot be used: Secret \"\(ca)\": \(problem)")
        }
        guard let expiration = expirations[location] else { return .pending("not generated yet") }
        return .ready(fields: [StatusField(StatusKey.expiration, .string(StatusDocument.timestamp(expiration)))])
    }

    /// What a SecuredAccess says on this site: nothing acts on it here.
    static func securedAccessStatus() -> ResourceStatus {
        ResourceStatus(
            phase: .pending, message: securedAccessMessage,
            conditions: [.init(type: "Ready", status: "False", reason: StatusReason.notSupported, message: securedAccessMessage)])
    }

    static let securedAccessMessage =
        "SecuredAccess has no effect on a non-Kubernetes site: it exposes pods through a Service, Route or "
        + "Ingress and issues their certificate on Kubernetes only; it is kept as written"

    /// A Link is Ready while its LINK record says it is up, and says which site it reached (`remoteSiteId`,
    /// `remoteSiteName`, as v2's LinkStatus); otherwise the router's own words say why.
    func linkStatus(_ name: String) -> ResourceStatus {
        guard let router, platform.phase == .running, router.isReachable else { return routed(.ready()) }
        guard let connection = router.links[name] else { return .pending("not connected yet") }
        if connection.isUp {
            var fields: [StatusField] = []
            if let id = connection.remoteSiteId { fields.append(StatusField(StatusKey.remoteSiteId, .string(id))) }
            if let name = connection.remoteSiteName { fields.append(StatusField(StatusKey.remoteSiteName, .string(name))) }
            // Which revision of the link's credentials its connection uses: a rotation shows here once it is taken.
            if let ordinal = connection.tlsOrdinal { fields.append(StatusField("activeTlsOrdinal", .int(Int(clamping: ordinal)))) }
            return .ready(fields: fields)
        }
        let message = connection.message.isEmpty ? "connecting" : connection.message
        return connection.status == "FAILED" ? .error(message) : .pending(message)
    }

    /// Ready once the router runs and answers (or the configuration is rendered); otherwise the platform's word,
    /// or why the router does not answer.
    func routed(_ ready: ResourceStatus) -> ResourceStatus {
        switch platform.phase {
        case .running:
            if let unreachable = router?.unreachable { return .pending("the router does not answer: \(unreachable)", fields: ready.fields) }
            return ready
        case .rendered: return ready
        case .starting, .stopped: return .pending(platform.message, fields: ready.fields)
        case .failed: return .error(platform.message, fields: ready.fields)
        }
    }

    func siteStatus(_ resource: Resource, _ spec: SiteSpec) -> ResourceStatus {
        let network = router?.network
        var fields: [StatusField] = [
            StatusField(StatusKey.sitesInNetwork, .int(network?.count ?? (1 + plan.links.count))),
            StatusField("network", .list(Self.networkEntries(network ?? []))),
        ]
        let endpoints = plan.linkAccesses.flatMap(endpointList)
        if !endpoints.isEmpty { fields.append(StatusField(StatusKey.endpoints, .list(endpoints))) }
        fields.append(StatusField("routerMode", .string(plan.routerMode.rawValue)))
        fields.append(StatusField("platform", .string(platform.phase.rawValue)))
        var notes: [String] = []
        if platform.phase == .rendered { notes.append("render-only platform: no router runs") }
        if fileErrors > 0 { notes.append("\(fileErrors) input file\(fileErrors == 1 ? "" : "s") rejected") }
        if inputWarnings > 0 { notes.append("\(inputWarnings) input warning\(inputWarnings == 1 ? "" : "s")") }
        let seeErrors = fileErrors + inputWarnings > 0 ? ": see runtime/resources/input-errors.yaml" : ""
        let message = notes.isEmpty ? "OK" : "OK (\(notes.joined(separator: ", "))\(seeErrors))"
        if let routerRestart {
            fields.append(
                StatusField(
                    "lastRouterRestart",
                    .map([
                        StatusField("time", .string(StatusDocument.timestamp(routerRestart.at))),
                        StatusField("reason", .string(routerRestart.reasons.joined(separator: "; "))),
                    ])))
        }
        var status = routed(.ready(message, fields: fields))
        if !platform.isHealthy { status.message = platform.message }
        if let (name, problem) = credentialProblems.min(by: { $0.key < $1.key }) {
            status = .error("Secret \"\(name)\" cannot be used: \(problem) (see runtime/resources/input-errors.yaml)", fields: fields)
        }
        status.conditions.append(certificatesCondition)
        return status
    }

    /// `CertificatesValid`: False while a certificate the agent cannot renew (a CA, a user's, a Link's client
    /// certificate) ends within 30 days or has ended, naming each.
    var certificatesCondition: ResourceStatus.Condition {
        guard !certificateAttention.isEmpty else {
            return .init(
                type: "CertificatesValid", status: "True", reason: "Valid",
                message: "no certificate the agent cannot renew itself expires within 30 days")
        }
        let expired = certificateAttention.contains(where: \.expired)
        return .init(
            type: "CertificatesValid", status: "False", reason: expired ? "Expired" : "ExpiringSoon",
            message: certificateAttention.map(\.message).joined(separator: "; "))
    }

    func endpointList(_ access: EffectiveRouterAccess) -> [StatusValue] {
        access.roles.filter { $0.name != "normal" }.map { role in
            .map([
                StatusField("name", .string(role.name)), StatusField("host", .string(access.bindHost ?? access.subjectAlternativeNames.first ?? "")),
                StatusField("port", .string(String(role.port))), StatusField("group", .string(access.name)),
            ])
        }
    }

    /// The network as the Site's status lists it (v2's `SiteRecord`s: each site with its links and services). The
    /// services are left out once the list would pass `networkBudget` bytes (v2 outgrew a ConfigMap at 77 sites):
    /// the whole network is in the network-status ConfigMap beside the statuses.
    static func networkEntries(_ sites: [NetworkSite]) -> [StatusValue] {
        var withServices = sites.map { networkEntry($0, services: true) }
        let size = withServices.reduce(0) { $0 + approximateSize($1) }
        if size > networkBudget { withServices = sites.map { networkEntry($0, services: false) } }
        return withServices
    }

    /// About the bytes the Site status's network list may take with every site's services (the status file stays
    /// under 64 KiB).
    static let networkBudget = 54 * 1024

    /// One site of the network as the Site's status lists it: v2's `SiteRecord` (id, name, namespace, platform,
    /// version, links, services).
    static func networkEntry(_ site: NetworkSite, services: Bool) -> StatusValue {
        var fields: [StatusField] = [StatusField("id", .string(site.siteId)), StatusField("name", .string(site.name))]
        if !site.namespace.isEmpty { fields.append(StatusField("namespace", .string(site.namespace))) }
        fields += [StatusField("platform", .string(site.platform)), StatusField("version", .string(site.version))]
        if !site.links.isEmpty {
            fields.append(
                StatusField(
                    "links",
                    .list(
                        site.links.map { link in
                            .map([
                                StatusField("name", .string(link.name)), StatusField(StatusKey.remoteSiteId, .string(link.remoteSiteId)),
                                StatusField(StatusKey.remoteSiteName, .string(link.remoteSiteName)), StatusField("operational", .bool(link.operational)),
                            ])
                        })))
        }
        if services, !site.services.isEmpty {
            fields.append(
                StatusField(
                    "services",
                    .list(
                        site.services.map { service in
                            var entry = [StatusField("routingKey", .string(service.routingKey))]
                            if !service.connectors.isEmpty { entry.append(StatusField("connectors", .list(service.connectors.map { .string($0) }))) }
                            if !service.listeners.isEmpty { entry.append(StatusField("listeners", .list(service.listeners.map { .string($0) }))) }
                            return .map(entry)
                        })))
        }
        return .map(fields)
    }

    /// About how many bytes a value takes in a status file.
    static func approximateSize(_ value: StatusValue) -> Int {
        switch value {
        case .string(let text): text.utf8.count + 4
        case .list(let items): items.reduce(4) { $0 + approximateSize($1) }
        case .map(let fields): fields.reduce(2) { $0 + $1.key.utf8.count + 4 + approximateSize($1.value) }
        default: 8
        }
    }
}

/// The Site status a network gives, as written: for the bench's size figures at network scale.
public enum SiteStatusFigures {
    /// The YAML of a Ready Site `name` whose router reports `network`.
    public static func yaml(siteName name: String, siteId: String, network: [NetworkSite]) -> String {
        let fields = [
            StatusField(StatusKey.sitesInNetwork, .int(network.count)), StatusField("network", .list(StatusBuilder.networkEntries(network))),
        ]
        let document = StatusDocument(id: ResourceID(.site, name), namespace: "default", status: .ready(fields: fields), uid: siteId)
        return document.yaml()
    }
}
