import Certificates
import Foundation
import Grants
import Logging
import Resources
import TokenRedemption

/// Serves this site's AccessGrants and TokenRequests and redeems its AccessTokens, deciding their statuses.
/// Owned by the `SiteAgent` and used only from it.
final class GrantCoordinator {
    let layout: SiteLayout
    let options: GrantServerOptions
    let logger: Logger
    let ledger: GrantLedger
    let server: GrantServer
    var tokens: [String: TokenState]
    var serverError: String?
    var lastServerCertificate: [CertificateRequest] = []
    var context: RedemptionContext?

    static let serverCA = "skupper-grant-server-ca"
    static let serverCertificate = "skupper-grant-server"
    /// TokenRequests are served by grants named with this prefix.
    static let tokenRequestPrefix = "tokenrequest-"

    var tokenDirectory: URL { layout.state.appendingPathComponent("tokens") }

    init(layout: SiteLayout, options: GrantServerOptions, logger: Logger) {
        self.layout = layout
        self.options = options
        self.logger = logger
        self.ledger = GrantLedger(directory: layout.state.appendingPathComponent("grants"))
        self.server = GrantServer(host: options.bindHost, port: options.port, ledger: ledger, logger: logger)
        self.tokens = TokenState.load(layout.state.appendingPathComponent("tokens"))
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

    /// Brings the server and the ledger in line with the site and returns the statuses of grants, tokens and
    /// token requests.
    nonisolated(nonsending) func reconcile(plan: SitePlan, grants: [Resource], requests: [Resource], accessTokens: [Resource],
                                           identity: SiteIdentity?, now: Date = Date()) async -> [ResourceID: ResourceStatus] {
        var statuses: [ResourceID: ResourceStatus] = [:]

        // Why grants cannot be served, if they cannot.
        var blocker: String?
        if plan.site == nil {
            blocker = "no Site is defined in this namespace"
        } else if plan.routerMode == "edge" {
            blocker = "Edge sites cannot accept incoming links from remote sites"
        } else if !plan.linkAccessEnabled {
            blocker = "Link access is not enabled: use \"skupper site update --enable-link-access\" to enable it"
        } else if !options.enabled {
            blocker = "the grant server is disabled (skupperd --disable-grants)"
        }

        if blocker == nil, let identity {
            await startServer(plan: plan, identity: identity)
            if let serverError { blocker = serverError }
        } else if server.isRunning {
            await server.stop()
            server.setContext(nil)
        }

        var desired = grants.map { grant in
            let spec = grant.accessGrant!
            return GrantLedger.Desired(name: grant.name, code: spec.code, expirationWindow: spec.expirationWindow, redemptionsAllowed: spec.redemptionsAllowed)
        }
        desired += requests.map { request in
            GrantLedger.Desired(name: Self.tokenRequestPrefix + request.name, code: nil, expirationWindow: request.tokenRequest!.expirationWindow, redemptionsAllowed: 1)
        }
        let records: [String: GrantRecord]
        do {
            records = try ledger.sync(desired, now: now)
        } catch {
            logger.error("cannot persist grant state: \(error)")
            records = Dictionary(uniqueKeysWithValues: ledger.records.map { ($0.name, $0) })
        }

        let ca = grants.isEmpty && requests.isEmpty ? "" : (try? SiteCertificates(layout: layout).authority(Self.serverCA))?.certificatePEM ?? ""
        for grant in grants {
            guard let record = records[grant.name], let identity, blocker == nil else {
                statuses[grant.id] = .error(blocker ?? "grant state unavailable")
                continue
            }
            var fields: [StatusField] = [
                StatusField("url", .string(url(for: record, identity: identity))),
                StatusField("ca", .string(ca)),
                StatusField("code", .string(record.code)),
                StatusField("expirationTime", .string(StatusDocument.timestamp(record.expirationTime))),
                StatusField("redemptions", .int(record.redemptions)),
                StatusField("redemptionsAllowed", .int(record.redemptionsAllowed)),
            ]
            if record.isExpired(at: now) {
                statuses[grant.id] = .error("the grant expired at \(StatusDocument.timestamp(record.expirationTime))", fields: fields)
            } else if record.isExhausted {
                statuses[grant.id] = .error("all \(record.redemptionsAllowed) redemption\(record.redemptionsAllowed == 1 ? "" : "s") used", fields: fields)
            } else {
                fields.removeAll { $0.key == "redemptionsAllowed" }
                statuses[grant.id] = .ready(fields: fields)
            }
        }

        for request in requests {
            let base = [StatusField("application", .string(request.name))]
            guard let record = records[Self.tokenRequestPrefix + request.name], let identity, blocker == nil else {
                statuses[request.id] = .error(blocker ?? "grant state unavailable", fields: base + [StatusField("state", .string("ERR"))])
                continue
            }
            var fields = base + [StatusField("expireAfter", .string(StatusDocument.timestamp(record.expirationTime)))]
            if record.isExpired(at: now) {
                fields.append(StatusField("state", .string("ERR")))
                statuses[request.id] = .error("the token expired at \(StatusDocument.timestamp(record.expirationTime))", fields: fields)
            } else {
                fields += [StatusField("state", .string("OK")), StatusField("token", .string(record.code)),
                           StatusField("url", .string(url(for: record, identity: identity))), StatusField("ca", .string(ca))]
                statuses[request.id] = .ready(fields: fields)
            }
        }

        for token in accessTokens {
            let spec = token.accessToken!
            if tokens[token.name].map({ !$0.matches(spec) }) ?? true {
                tokens[token.name] = TokenState(url: spec.url, code: spec.code, phase: .pending, message: "Waiting to redeem the token")
            }
            if plan.site == nil {
                statuses[token.id] = .pending("no Site is defined in this namespace", fields: [StatusField("redeemed", .bool(false))])
            } else {
                statuses[token.id] = tokens[token.name]!.status
            }
        }
        let names = Set(accessTokens.map(\.name))
        for name in tokens.keys where !names.contains(name) {
            tokens[name] = nil
            try? FileManager.default.removeItem(at: tokenDirectory.appendingPathComponent("\(name).json"))
        }
        return statuses
    }

    /// Starts (or keeps) the server with a current certificate and refreshes what redemptions answer with.
    nonisolated(nonsending) func startServer(plan: SitePlan, identity: SiteIdentity) async {
        let host = advertisedHost(identity)
        var hosts = identity.hosts
        if !hosts.contains(host) { hosts.append(host) }
        let requests = [
            CertificateRequest.authority(Self.serverCA),
            CertificateRequest(name: Self.serverCertificate, kind: .leaf, commonName: Self.serverCertificate,
                               hosts: hosts + [Self.serverCertificate], issuer: Self.serverCA),
        ]
        do {
            let certificates = SiteCertificates(layout: layout)
            var restart = false
            if requests != lastServerCertificate {
                let outcome = try certificates.ensure(requests)
                restart = !outcome.generated.isEmpty && server.isRunning
                lastServerCertificate = requests
            }
            let issuerName = plan.linkAccesses.first?.issuer ?? SitePlan.siteCA
            let issuer = try certificates.authority(issuerName)
            var endpoints: [LinkSpec.Endpoint] = []
            for access in plan.linkAccesses {
                let endpointHost = access.bindHost.flatMap { ["", "0.0.0.0", "::"].contains($0) ? nil : $0 } ?? host
                for role in access.roles where role.name == "inter-router" || role.name == "edge" {
                    endpoints.append(LinkSpec.Endpoint(name: role.name, host: endpointHost, port: String(role.port), group: access.name))
                }
            }
            server.setContext(RedemptionContext(siteName: plan.site?.name ?? "", edge: plan.routerMode == "edge", issuer: issuer, endpoints: endpoints))
            if restart { await server.stop() }
            if !server.isRunning {
                guard let credentials = TLSCredentials.load(from: layout.certificate(Self.serverCertificate)) else {
                    throw CertificateError("grant server certificate missing")
                }
                try await server.start(credentials: credentials)
            }
            serverError = nil
        } catch {
            serverError = "the grant server cannot listen on \(options.bindHost):\(options.port): \(error)"
            logger.error("\(serverError!)")
        }
    }

    /// Tokens that should be sent now.
    func tokensDue(now: Date = Date()) -> [String] {
        tokens.filter { $0.value.phase == .pending && !$0.value.inFlight && ($0.value.retryAt ?? .distantPast) <= now }.map(\.key).sorted()
    }

    /// The earliest moment something changes by itself (a retry, an expiry).
    func nextDeadline(now: Date = Date()) -> Date? {
        let retries = tokens.values.compactMap { $0.phase == .pending && !$0.inFlight ? $0.retryAt : nil }
        let expiries = ledger.records.map(\.expirationTime).filter { $0 > now }
        return (retries + expiries).min()
    }

    /// Records the outcome of a redemption attempt.
    func finished(_ name: String, spec: AccessTokenSpec, result: Result<Void, TokenRedeemer.Failure>, now: Date = Date()) {
        guard var state = tokens[name], state.matches(spec) else { return }
        state.inFlight = false
        state.attempts += 1
        switch result {
        case .success:
            state.phase = .redeemed
            state.message = "OK"
            state.retryAt = nil
        case .failure(let failure) where failure.isRetryable:
            let delay = min(pow(2, Double(min(state.attempts, 6))), 60)
            state.retryAt = now.addingTimeInterval(delay)
            state.message = "\(failure); retrying in \(Int(delay))s"
        case .failure(let failure):
            state.phase = .rejected
            state.message = failure.description
        }
        tokens[name] = state
        do { try state.save(name: name, in: tokenDirectory) } catch { logger.error("cannot persist token state: \(error)") }
    }
}
