import Certificates
import FoundationEssentials
import Grants
import Logging
import Resources
import SiteFiles
import TokenRedemption

/// Everything about access between sites, in one place: the grants and token requests this site serves (the
/// ledger, the grant server's certificate and listening), and the AccessTokens it redeems (their state, the
/// attempts under way, retries). Decides the statuses of AccessGrants, TokenRequests and AccessTokens. Owned
/// by the agent's loop; the grant server itself runs as a service beside it.
struct AccessController {
    let layout: SiteLayout
    let options: GrantServerOptions
    let logger: Logger
    /// How AccessTokens whose redemption failed for a passing reason are tried again.
    let retry: RedemptionRetry
    let ledger: GrantLedger
    let server: GrantServer
    var tokens: [String: TokenState]
    /// Why the server cannot listen, when it cannot.
    private var serverError: GrantBlocker?
    private var serverCertificate: [CertificateRequest] = []
    /// What the last reconcile knew, so that one redemption updates one status.
    private var lastIdentity: SiteIdentity?
    private var lastBlocker: GrantBlocker?
    private var lastCA = ""
    /// The grant server's CA certificate (PEM), read when its certificates are ensured, not at every reconcile.
    private var serverCAPEM = ""

    static let serverCA = "skupper-grant-server-ca"
    static let serverCertificate = "skupper-grant-server"
    /// TokenRequests are served by grants named with this prefix.
    static let tokenRequestPrefix = "tokenrequest-"

    var tokenDirectory: URL { Self.tokenDirectory(layout) }
    /// Where each AccessToken's redemption state is kept (`runtime/state/tokens/<name>.json`).
    static func tokenDirectory(_ layout: SiteLayout) -> URL { layout.state.appendingPathComponent("tokens") }

    init(layout: SiteLayout, options: GrantServerOptions, retry: RedemptionRetry = .standard, server: GrantServer, ledger: GrantLedger, logger: Logger) {
        self.layout = layout
        self.options = options
        self.retry = retry
        self.logger = logger
        self.ledger = ledger
        self.server = server
        tokens = TokenState.load(Self.tokenDirectory(layout))
    }

    /// The ledger of a namespace (`runtime/state/grants`), which the grant server and the agent share.
    static func ledger(_ layout: SiteLayout) -> GrantLedger { GrantLedger(directory: layout.state.appendingPathComponent("grants")) }

    // MARK: Grants and token requests

    /// Brings the grant server and the ledger in line with the site and decides the statuses of every grant,
    /// token request and token.
    mutating func reconcile(plan: SitePlan, store: ResourceStore, identity: SiteIdentity?, now: Date = Date()) async -> [ResourceID: ResourceStatus] {
        let grants = store.all(AccessGrantSpec.self)
        let requests = store.all(TokenRequestSpec.self)
        var blocker = GrantBlocker.of(plan, enabled: options.enabled)
        // The server listens only while there is something to serve, as Skupper v2's grant server does.
        if blocker == nil, let identity, !grants.isEmpty || !requests.isEmpty {
            await serve(plan: plan, identity: identity)
            blocker = serverError
        } else if server.isRunning {
            await server.stop()
            server.setContext(nil)
        }

        var desired = grants.map { grant in
            GrantLedger.Desired(
                name: grant.name, code: grant.spec.code, expirationWindow: grant.spec.expirationWindow,
                redemptionsAllowed: grant.spec.redemptionsAllowed)
        }
        desired += requests.map { request in
            GrantLedger.Desired(name: Self.tokenRequestPrefix + request.name, code: nil, expirationWindow: request.spec.expirationWindow, redemptionsAllowed: 1)
        }
        let records: [String: GrantRecord]
        do {
            records = try ledger.sync(desired, now: now)
        } catch {
            logger.error("cannot persist grant state", metadata: ["error": "\(error)"])
            records = Dictionary(uniqueKeysWithValues: ledger.records.map { ($0.name, $0) })
        }
        lastIdentity = identity
        lastBlocker = blocker
        lastCA = grants.isEmpty && requests.isEmpty ? "" : serverCAPEM

        return statuses(store: store, siteDefined: plan.site != nil, now: now) { records[$0] }
    }

    /// The statuses of the grants, token requests and tokens as the last reconcile left them, for a status write
    /// that changes nothing of theirs (the router's state changed).
    mutating func statuses(store: ResourceStore, siteDefined: Bool, now: Date = Date()) -> [ResourceID: ResourceStatus] {
        let ledger = ledger
        return statuses(store: store, siteDefined: siteDefined, now: now) { ledger.record(named: $0) }
    }

    private mutating func statuses(store: ResourceStore, siteDefined: Bool, now: Date, record: (String) -> GrantRecord?) -> [ResourceID: ResourceStatus] {
        let decide = grantStatuses(now: now)
        var statuses: [ResourceID: ResourceStatus] = [:]
        for grant in store.all(AccessGrantSpec.self) { statuses[grant.id] = decide.grant(grant.id, record(grant.name)) }
        for request in store.all(TokenRequestSpec.self) {
            statuses[request.id] = decide.tokenRequest(request.name, record(Self.tokenRequestPrefix + request.name))
        }
        for (id, status) in tokenStatuses(store.all(AccessTokenSpec.self), siteDefined: siteDefined) { statuses[id] = status }
        return statuses
    }

    /// The status of the grant (or token request) the server just counted a redemption of: the only status
    /// a redemption changes.
    func redeemed(_ grantName: String, now: Date = Date()) -> (ResourceID, ResourceStatus) {
        let record = ledger.record(named: grantName)
        if grantName.hasPrefix(Self.tokenRequestPrefix) {
            let name = String(grantName.dropFirst(Self.tokenRequestPrefix.count))
            return (ResourceID(.tokenRequest, name), grantStatuses(now: now).tokenRequest(name, record))
        }
        let id = ResourceID(.accessGrant, grantName)
        return (id, grantStatuses(now: now).grant(id, record))
    }

    private func grantStatuses(now: Date) -> GrantStatuses {
        let identity = lastIdentity
        return GrantStatuses(
            blocker: identity == nil ? (lastBlocker ?? .noSite) : lastBlocker,
            url: { record in identity.map { url(for: record, identity: $0) } ?? "" }, ca: lastCA, now: now)
    }

    /// The host grant URLs and link endpoints name.
    func advertisedHost(_ identity: SiteIdentity) -> String {
        if let host = options.advertisedHost, !host.isEmpty { return host }
        return identity.hosts.first { $0 != "localhost" && !$0.hasPrefix("127.") && $0.contains(".") && $0.allSatisfy { $0.isNumber || $0 == "." } }
            ?? "127.0.0.1"
    }

    /// The URL of a grant.
    func url(for record: GrantRecord, identity: SiteIdentity) -> String {
        let host = advertisedHost(identity)
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return "https://\(bracketed):\(server.boundPort ?? options.port)/\(record.uid)"
    }

    /// Keeps the server listening with a current certificate, and refreshes what redemptions answer with.
    private mutating func serve(plan: SitePlan, identity: SiteIdentity) async {
        let host = advertisedHost(identity)
        var hosts = identity.hosts
        if !hosts.contains(host) { hosts.append(host) }
        let requests = [
            CertificateRequest.authority(Self.serverCA),
            CertificateRequest(
                name: Self.serverCertificate, kind: .leaf, commonName: Self.serverCertificate,
                hosts: hosts + [Self.serverCertificate], issuer: Self.serverCA),
        ]
        do {
            let certificates = SiteCertificates(layout: layout)
            var restart = false
            if requests != serverCertificate {
                let outcome = try certificates.ensure(requests)
                serverCAPEM = try certificates.authority(Self.serverCA).certificatePEM
                restart = !outcome.generated.isEmpty && server.isRunning
                serverCertificate = requests
            }
            let issuer = try certificates.authority(plan.linkAccesses.first?.issuer ?? SitePlan.siteCA)
            var endpoints: [LinkSpec.Endpoint] = []
            for access in plan.linkAccesses {
                let endpointHost = access.bindHost.flatMap { ["", "0.0.0.0", "::"].contains($0) ? nil : $0 } ?? host
                for role in access.roles where RouterMode.isLinkRole(role.name) {
                    endpoints.append(LinkSpec.Endpoint(name: role.name, host: endpointHost, port: String(role.port), group: access.name))
                }
            }
            server.setContext(RedemptionContext(siteName: plan.site?.name ?? "", edge: plan.routerMode == .edge, issuer: issuer, endpoints: endpoints))
            if restart { await server.stop() }
            if !server.isRunning {
                guard let credentials = TLSCredentials.load(from: layout.certificate(Self.serverCertificate)) else {
                    throw CertificateError("grant server certificate missing")
                }
                try await server.start(credentials: credentials)
            }
            serverError = nil
        } catch {
            serverError = .server("the grant server cannot listen on \(options.bindHost):\(options.port): \(error)")
            logger.error("grant server cannot listen", metadata: ["address": "\(options.bindHost):\(options.port)", "error": "\(error)"])
        }
    }

    /// TokenRequests whose token expired.
    func expiredTokenRequests(in store: ResourceStore, now: Date) -> [ResourceID] {
        store.all(TokenRequestSpec.self).filter { request in
            ledger.record(named: Self.tokenRequestPrefix + request.name)?.isExpired(at: now) ?? false
        }.map(\.id)
    }

    /// The earliest moment something changes by itself (a token retry, a grant's expiry).
    func nextDeadline(now: Date = Date()) -> Date? {
        let retries = tokens.values.compactMap { $0.phase == .pending && !$0.inFlight ? $0.retryAt : nil }
        let expiries = ledger.records.map(\.expirationTime).filter { $0 > now }
        return (retries + expiries).min()
    }
}
