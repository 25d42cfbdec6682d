import FlowRecords
import FoundationEssentials
import Grants
import HostSupport
import Logging
import NetworkConsole
import Platforms
import Resources
import RouterManagement
import RouterRendering
import SiteFiles

/// The site agent's state and how it answers each event: the one owner of everything the agent knows. Its loop
/// (`AgentService`) hands it events one at a time; it changes its stages in the order data flows (input, plan,
/// certificates and router configuration, platform, access, statuses) and returns the work to run beside the loop.
final class SiteAgent {
    let options: AgentOptions
    let logger: Logger
    private(set) var input: InputStage
    private(set) var planner: PlanStage
    private var certificates: CertificateStage
    private var proxyProfiles: ProxyProfileStage
    private var routerConfig: RouterConfigStage
    private(set) var platform: PlatformStage
    private(set) var management: ManagementStage
    private(set) var access: AccessController
    private var statuses: StatusStage
    /// Whether the first read was applied (the agent is READY).
    private(set) var started = false
    /// A SIGHUP's read, until it is applied (then READY=1 again).
    private var reloadSerial: Int?
    /// Since when a READY waits for the statuses to be on disk and the platform's answer (at most `readyWait`);
    /// STATUS= waits with it.
    private(set) var readyWaitsSince: Date?
    static let readyWait: TimeInterval = 5
    /// The next reconcile ensures every certificate (some are due for renewal).
    private var renewCertificates = false
    /// The certificates' ends: warnings, metrics, and what the Site status says of them.
    private var expiryWatch: ExpiryWatch
    /// The last restart of a running router a change needed: when, and why (for the Site status).
    private(set) var routerRestart: (at: Date, reasons: [String])?
    /// Reconciles done, for logs and tests.
    private(set) var reconcileCount = 0
    /// A change that could not be applied (a write failed: the disk full, descriptors out), until one succeeds: the
    /// whole input is read and applied again after a backoff, and at once at the next change.
    private(set) var failing: FailedApply?
    /// Reconciles, resources by state, the router's state, input errors, token redemptions.
    private var metrics = AgentMetrics()

    var layout: SiteLayout { options.layout }

    init(options: AgentOptions, platform: any RouterPlatform, grantServer: GrantServer, ledger: GrantLedger, logger: Logger) {
        self.options = options
        self.logger = logger
        let layout = options.layout
        let renderer = RouterConfigRenderer(
            platform: platform.metadataName, sslProfileBasePath: platform.sslProfileBasePath(for: layout),
            version: options.version)
        input = InputStage(layout: layout, logger: logger)
        planner = PlanStage(layout: layout, renderer: renderer)
        certificates = CertificateStage(layout: layout, logger: logger)
        proxyProfiles = ProxyProfileStage(layout: layout, logger: logger)
        routerConfig = RouterConfigStage(layout: layout, renderer: renderer, logger: logger)
        self.platform = PlatformStage(platform: platform, layout: layout, logger: logger, checkInterval: options.platformCheckInterval)
        management = ManagementStage(
            logger: logger, networkStatusFile: layout.status.appendingPathComponent(NetworkStatusDocument.fileName), namespace: layout.namespace,
            console: options.console, connectionRetention: options.connectionRetention)
        access = AccessController(layout: layout, options: options.grantServer, retry: options.tokenRetry, server: grantServer, ledger: ledger, logger: logger)
        statuses = StatusStage(layout: layout, logger: logger)
        expiryWatch = ExpiryWatch(logger: logger, interval: options.certificateCheckInterval)
    }

    /// Answers one event; the statuses it decided are written beside the loop.
    func handle(_ event: AgentEvent) async throws -> Reaction {
        var reaction = try await react(to: event)
        if let flush = statuses.flushWork() { reaction.work.append(flush) }
        // READY once what the first read (or a reload's) decided is on disk and the router is applied.
        if readyWaitsSince != nil, !platform.isBusy, !statuses.isFlushing {
            readyWaitsSince = nil
            reaction.announcement = .ready
        }
        return reaction
    }

    private func react(to event: AgentEvent) async throws -> Reaction {
        switch event {
        case .start:
            try layout.createDirectories()
            // Leftovers of a crash mid-write in the agent's own directories (never in the user's input directory).
            AtomicFile.removeTemporaries(under: layout.runtime)
            statuses.loadExisting()
            input.loadGenerated()
            return Reaction(work: [read(input.readAll(reason: "start"))])
        case .filesChanged(let names):
            // After a failure only a whole read brings everything back in line; the change is part of it.
            if failing != nil { return Reaction(work: [read(input.readAll(reason: "change after a failure"))]) }
            return Reaction(work: input.read(changed: names).map { [read($0)] } ?? [])
        case .credentialsChanged(let names):
            // Before the first read nothing was applied: that read takes them in.
            guard started else { return .none }
            if failing != nil { return Reaction(work: [read(input.readAll(reason: "change after a failure"))]) }
            logger.info("certificate files changed", metadata: ["names": "\(names.sorted().joined(separator: ","))"])
            return try await reconcile(ResourceStore.Change(), full: false)
        case .rescan(let reason):
            return Reaction(work: [read(input.readAll(reason: reason))])
        case .hangup:
            logger.info("SIGHUP: reloading")
            let read = input.readAll(reason: "SIGHUP")
            reloadSerial = read.serial
            return Reaction(work: [self.read(read)], announcement: .reloading)
        case .parsed(let read):
            return try await applied(read)
        case .tick(let now):
            return try await tick(now)
        case .watchdog:
            return Reaction(announcement: .alive)
        case .platformApplied(let outcome):
            return try platformFinished(outcome, now: Date())
        case .platformObserved(let state):
            guard platform.observed(state) else { return .none }
            return try await reconcile(ResourceStore.Change(), full: false)
        case .routerManaged(let round):
            let before = management.observation
            if management.received(round) { try writeStatuses(following: management.observation?.changes(from: before)) }
            // A change that came meanwhile goes at once, not at the next tick.
            return Reaction(work: management.work(now: Date()))
        case .grantRedeemed(let grant):
            let (id, status) = access.redeemed(grant)
            try statuses.write(id, status, store: input.store, siteId: planner.identity?.siteId)
            metrics.resources(statuses.tally)
            return .none
        case .tokenRedeemed(let attempt):
            return try await redeemed(attempt)
        case .statusesWritten(let result):
            try statuses.flushed(result)
            return .none
        case .routerConfigWritten(let failure):
            let next = routerConfig.written(failure: failure).map { [$0] } ?? []
            // A file the router needs at its next start that could not be written: a failure like any other.
            if let failure { throw RouterConfigWriteFailed(description: failure) }
            return Reaction(work: next)
        }
    }

    /// The loop ended: what is still waiting to be written is written now.
    func stopped() {
        routerConfig.flush()
        statuses.flush()
        management.close()
    }

    /// Parses a read beside the loop.
    private func read(_ read: InputRead) -> AgentWork {
        let directory = layout.inputResources
        return { await read.parse(in: directory).map(AgentEvent.parsed) }
    }

    /// Records that handling `event` failed; a whole read is tried again after a backoff (1 s doubling to 30 s).
    func failed(_ event: AgentEvent, _ error: any Error, now: Date = Date()) {
        var failure = failing ?? FailedApply()
        failure.record("\(error)", now: now)
        failing = failure
        logger.error(
            "change not applied: everything is read and applied again",
            metadata: [
                "event": "\(event.name)", "error": "\(error)", "failures": "\(failure.count)", "retryIn": "\(Int(failure.delay.rounded()))s",
            ])
    }

    /// Applies a parsed read, and says READY after the first one and after a reload's.
    private func applied(_ read: InputRead) async throws -> Reaction {
        var change = input.apply(read)
        // What a deleted AccessToken's redemption created (its Link and Secret) goes with it.
        for id in change.removed where id.kind == .accessToken { change.merge(input.forgetRedemption(of: id.name)) }
        var reaction = try await reconcile(change, full: read.full)
        // A whole directory's parse trees are gone: the heap they took goes back to the system, not kept idle.
        if read.full { Heap.releaseFreeMemory() }
        if read.full, let failure = failing {
            failing = nil
            logger.notice("changes applied again after a failure", metadata: ["failures": "\(failure.count)", "lastError": "\(failure.error)"])
        }
        // A file that could not be read for the host's sake (descriptors out) keeps its last good contents, and is
        // read again with everything else once the host has room.
        if let passing = read.results.lazy.compactMap({ result -> ResourceError? in
            if case .failure(let error)? = result, error.passing { return error }
            return nil
        }).first {
            failed(.parsed(read), passing)
        }
        if !started || read.serial == reloadSerial {
            started = true
            reloadSerial = nil
            // The statuses written and the router applied beside the loop are part of being ready, for a while: an
            // engine that stalls must not hold READY (and `systemctl start`) past `readyWait`.
            readyWaitsSince = Date()
        }
        return reaction
    }

    /// Time passed: a router that exited is started again when its wait is over, expired token requests go, token
    /// retries start, the router's state is checked when due.
    private func tick(_ now: Date) async throws -> Reaction {
        if var failure = failing, failure.isDue(now: now) {
            // Short of disk or descriptors still: nothing is read again until the host has room.
            guard FailedApply.hostHasRoom(in: layout.runtime.path) else {
                failure.waitForRoom(now: now)
                failing = failure
                return .none
            }
            failure.retrying(now: now)
            failing = failure
            return Reaction(work: [read(input.readAll(reason: "retry after a failure"))])
        }
        guard started else { return .none }
        if let console = options.console { publishOverview(to: console) }
        var reaction = Reaction()
        if let since = readyWaitsSince, now.timeIntervalSince(since) >= Self.readyWait {
            readyWaitsSince = nil
            reaction.announcement = .ready
        }
        if planner.plan.site != nil, expiryWatch.isDue(now: now) {
            certificates.refreshExpirations()
            let expiries = certificates.expiries
            if let due = expiries.first(where: { $0.isDueForRenewal(now: now) }) {
                // The agent's own leaves are issued again before their end, and the router takes them live.
                logger.info("renewing certificates", metadata: ["first": "\(due.describe(now: now))"])
                renewCertificates = true
                reaction.work += try await reconcile(ResourceStore.Change(), full: false).work
            } else if expiryWatch.check(expiries, now: now) {
                // A certificate came within 30 days of its end (or was replaced): the Site says so.
                let ids = Set(input.store.resources(of: [.site, .certificate]).map(\.id))
                try statuses.write(statusInputs(warnings: input.warnings, access: [:], everything: false, changed: ids))
            }
        }
        if platform.restartIsDue(now: now) { reaction.work += try await reconcile(ResourceStore.Change(), full: false).work }
        if let check = platform.checkIfDue(now: now) { reaction.work.append(check) }
        reaction.work += management.work(now: now)
        guard let deadline = access.nextDeadline(now: now.addingTimeInterval(-2)), deadline <= now else { return reaction }
        var change = ResourceStore.Change()
        for id in access.expiredTokenRequests(in: input.store, now: now) {
            if let removed = input.removeInputFile(holdingOnly: id) { change.merge(removed) }
        }
        let reconciled = try await reconcile(change, full: false)
        reaction.work += reconciled.work
        return reaction
    }

    /// Records a redemption attempt: on success the received Secret and Links are stored under
    /// `runtime/state/redeemed/` and take effect like any other resource.
    private func redeemed(_ attempt: TokenAttempt) async throws -> Reaction {
        var change = ResourceStore.Change()
        switch attempt.result {
        case .success(let outcome):
            do {
                change = try input.storeRedemption(of: attempt.name, AccessController.received(outcome, spec: attempt.spec))
                access.record(attempt.name, spec: attempt.spec, result: .success(()))
            } catch {
                access.record(attempt.name, spec: attempt.spec, result: .failure(.unreachable("cannot store the received link: \(error)")))
            }
        case .failure(let failure):
            access.record(attempt.name, spec: attempt.spec, result: .failure(failure))
        }
        metrics.tokenRedemption(attempt.outcome)
        change.updated.insert(ResourceID(.accessToken, attempt.name))
        return try await reconcile(change, full: false)
    }

    // MARK: - Reconcile

    /// Applies a change, stage by stage: plan, certificates and router configuration, platform, access, statuses.
    /// Listeners and connectors it names are re-planned and get new statuses one by one; a change to a site-wide
    /// kind, `full`, or a new router state decide every status again.
    func reconcile(_ change: ResourceStore.Change, full: Bool) async throws -> Reaction {
        reconcileCount += 1
        let started = ContinuousClock.now
        var lateWork: [AgentWork] = []
        var credentialStatuses: Set<ResourceID> = []
        let update = try planner.update(change, full: full, store: input.store)
        let plan = planner.plan
        if let site = update.site {
            // Only the user's Secrets stand in for the site's certificates: never one a redemption answer brought.
            var secrets: [String: SecretSpec] = [:]
            for secret in input.store.all(SecretSpec.self) where input.isInput(secret.resource) { secrets[secret.name] = secret.spec }
            // The names of the sslProfiles and proxyProfiles whose files changed.
            let credentials = try certificates.apply(plan, secrets: secrets, force: full || renewCertificates || change.touches(.secret))
                .union(proxyProfiles.apply(plan))
            var attentionChanged = false
            if !credentials.isEmpty || full || renewCertificates || expiryWatch.isDue(now: Date()) {
                attentionChanged = expiryWatch.check(certificates.expiries)
            }
            renewCertificates = false
            // New credentials or ends: the Site and the Certificates say so.
            if !credentials.isEmpty || attentionChanged { credentialStatuses = Set(input.store.resources(of: [.site, .certificate]).map(\.id)) }
            // A router the agent can reach takes what management can change while it runs; it restarts only for the rest.
            let live = platform.platform.runsRouter && !options.restartRouterOnEveryChange
            let written = try routerConfig.write(
                plan, identity: update.identity, services: planner.services, changedCredentials: credentials,
                deferrable: live || !platform.platform.runsRouter)
            if let write = routerConfig.work() { lateWork.append(write) }
            let restart = live ? written.restart : (written.changed || !credentials.isEmpty)
            if live, written.restart, platform.applied {
                routerRestart = (Date(), written.reasons)
                logger.notice("the router restarts: what changed cannot change while it runs", metadata: ["why": "\(written.reasons.joined(separator: "; "))"])
            }
            if let apply = platform.apply(site: site, identity: update.identity, configChanged: restart, force: full) {
                lateWork.append(apply)
            }
            connectManagement(update.identity)
            if live, written.restart { management.routerRestarted() }
            if live, let rendered = routerConfig.renderedSite {
                // The files as the running router sees them (a container's image expands the file's variable).
                let siteConfig = rendered.rebasingPaths(
                    from: platform.platform.sslProfileBasePath(for: layout), to: platform.platform.runningBasePath(for: layout))
                management.want(site: siteConfig, rerendered: update.rerendered, services: planner.services) { [plan] in
                    var ids: Set<ResourceID> = []
                    for name in plan.services.listeners.keys { ids.insert(ResourceID(.listener, name)) }
                    for name in plan.services.multiKeyListeners.keys { ids.insert(ResourceID(.multiKeyListener, name)) }
                    for name in plan.services.connectors.keys { ids.insert(ResourceID(.connector, name)) }
                    return ids
                }
            }
            lateWork += management.work(now: Date())
        } else {
            management.connect(to: nil, siteId: nil)
            management.forget()
            let teardown = platform.teardown()
            if teardown.removed { routerConfig.remove() }
            if let work = teardown.work { lateWork.append(work) }
        }

        var accessStatuses = await access.reconcile(plan: plan, store: input.store, identity: update.site == nil ? nil : update.identity)
        var reaction = Reaction(work: lateWork)
        if let site = update.site {
            let due = access.redemptionsDue(in: input.store, siteName: site.name) { [input, planner] name in
                Self.clash(name, own: planner.ownCredentialNames, input: input)
            }
            reaction.work = due.work + lateWork
            // A token refused before it was sent changed its own status, and only that.
            for id in due.refused { accessStatuses[id] = access.tokens[id.name]?.status }
        }

        let warnings = input.warnings
        try statuses.write(
            statusInputs(
                warnings: warnings, access: accessStatuses, everything: update.siteWide,
                changed: update.affected.union(change.all).union(credentialStatuses)))
        try statuses.writeInputErrors(input.store, credentialErrors: certificates.errors(in: input.store) + extraSiteErrors(), warnings: warnings)
        metrics.reconciled(ContinuousClock.now - started)
        metrics.input(errors: input.store.errors.count, warnings: warnings.values.reduce(0) { $0 + $1.count })
        metrics.router(platform.state.phase)
        metrics.resources(statuses.tally)
        logger.debug(
            "reconciled",
            metadata: [
                "changed": "\(change.all.count)", "affected": "\(update.affected.count)", "full": "\(update.siteWide)",
                "elapsed": "\(ContinuousClock.now - started)",
            ])
        return reaction
    }

    /// A second Site, refused as `skupper site create` refuses it, located in its file.
    private func extraSiteErrors() -> [ResourceError] {
        guard let active = planner.plan.site else { return [] }
        return planner.plan.extraSites.compactMap { extra in
            extra.source.map { ResourceError($0, field: "metadata.name", "Site \"\(extra.name)\": " + SitePlan.secondSite(active: active.name)) }
        }
    }

    /// Points management at the router once the platform has applied it (before, there is nothing to ask).
    private func connectManagement(_ identity: SiteIdentity) {
        management.connect(to: platform.platform.runsRouter && platform.applied ? managementEndpoint(identity) : nil, siteId: identity.siteId)
    }

    /// Takes in how a platform effect ended: the router's new state in the statuses, management pointed at it, and
    /// what was asked meanwhile started.
    private func platformFinished(_ outcome: PlatformStage.Outcome, now: Date) throws -> Reaction {
        let (changed, next) = platform.finished(outcome, now: now)
        var reaction = Reaction(work: next.map { [$0] } ?? [])
        if case .applied(let request, .success) = outcome, let identity = planner.identity, planner.plan.site != nil {
            connectManagement(identity)
            // The router may just have started: until it answers, a refused change is it starting, not a failure.
            if request.configChanged || request.restarting { management.routerRestarted() }
        }
        if changed { try writeStatuses(everything: true) }
        metrics.router(platform.state.phase)
        reaction.work += management.work(now: now)
        return reaction
    }

    /// Where the router's management is reached: its local listener, with the site's local client certificate.
    private func managementEndpoint(_ identity: SiteIdentity) -> ManagementEndpoint {
        let client = layout.certificate(SitePlan.localClient)
        return ManagementEndpoint(
            port: identity.localPort, certificateFile: client.appendingPathComponent("tls.crt").path,
            keyFile: client.appendingPathComponent("tls.key").path, caFile: client.appendingPathComponent("ca.crt").path)
    }

    /// Writes again the statuses that follow the router's word after it changed: those its `changes` touch (nil:
    /// the Site, Links and services), or every status (`everything`: the router's state changed).
    private func writeStatuses(everything: Bool = false, following changes: RouterObservation.Changes? = nil) throws {
        var ids: Set<ResourceID> = []
        if let changes, !everything {
            ids = affected(by: changes)
        } else if !everything {
            for resource in input.store.resources(of: SitePlan.serviceKinds.union([.site, .link])) { ids.insert(resource.id) }
        }
        let access = everything ? self.access.statuses(store: input.store, siteDefined: planner.plan.site != nil) : [:]
        try statuses.write(statusInputs(warnings: input.warnings, access: access, everything: everything, changed: ids))
        metrics.resources(statuses.tally)
    }

    /// The resources whose status follows what changed in the router's word: listeners whose tcpListener changed,
    /// Links whose connection did, connectors whose routing key gained or lost listeners in the network, multi-key
    /// listeners when connectors came or went, and the Site (its network) when anything did.
    private func affected(by changes: RouterObservation.Changes) -> Set<ResourceID> {
        var ids: Set<ResourceID> = []
        let services = planner.plan.services
        for name in changes.listeners {
            if name.hasPrefix("listener/") { ids.insert(ResourceID(.listener, String(name.dropFirst("listener/".count)))) }
        }
        for name in changes.links { ids.insert(ResourceID(.link, name)) }
        for key in changes.listenerKeys { for name in services.connectors(routingKey: key) { ids.insert(ResourceID(.connector, name)) } }
        for key in changes.connectorKeys { ids.formUnion(services.listeners(routingKey: key)) }
        if !changes.connectorKeys.isEmpty || !changes.listeners.isEmpty {
            for name in services.multiKeyListeners.keys { ids.insert(ResourceID(.multiKeyListener, name)) }
        }
        if changes.sites || !changes.links.isEmpty {
            for resource in input.store.resources(of: [.site]) { ids.insert(resource.id) }
        }
        return ids
    }

    /// What the status stage decides from: the store, the plan, the router's state and word, and the given changes.
    private func statusInputs(
        warnings: [String: [ResourceError]], access: [ResourceID: ResourceStatus], everything: Bool,
        changed: Set<ResourceID>
    ) -> StatusStage.Inputs {
        StatusStage.Inputs(
            store: input.store, plan: planner.plan, siteId: planner.identity?.siteId, platform: platform.state, router: management.observation,
            credentialProblems: certificates.problems, expirations: certificates.expirations,
            certificateAttention: expiryWatch.attention, routerRestart: routerRestart,
            warnings: warnings.values.reduce(0) { $0 + $1.count },
            access: access, everything: everything, changed: changed)
    }

    /// What already uses `name` among the site's own credentials and the user's Secrets, if anything does.
    static func clash(_ name: String, own: Set<String>, input: InputStage) -> String? {
        // The grant server's credentials are kept apart from the plan's.
        if own.contains(name) || name == AccessController.serverCA || name == AccessController.serverCertificate { return "this site's own credentials" }
        if let secret = input.store.one(SecretSpec.self, named: name), input.isInput(secret.resource) {
            return "the Secret in \(secret.source?.file ?? "the input directory")"
        }
        return nil
    }

    /// What the overview last published was made of: a new one is made only when one of them changed.
    private var overviewKey: [String]?

    /// Tells the console the agent's state, at most once a tick and only when something it shows changed.
    private func publishOverview(to console: ConsoleFeed) {
        let key = [
            "\(statuses.changes)", platform.state.phase.rawValue, platform.state.message, "\(input.store.errors.count)", "\(readyWaitsSince == nil)",
            planner.identity?.siteId ?? "",
        ]
        guard key != overviewKey else { return }
        overviewKey = key
        var overview = AgentOverview()
        overview.namespace = layout.namespace
        overview.siteName = planner.plan.site?.name ?? ""
        overview.siteId = planner.identity?.siteId ?? ""
        overview.platform = platform.platform.kind.rawValue
        overview.version = options.version
        overview.ready = started && readyWaitsSince == nil
        overview.routerState = platform.state.phase.rawValue
        overview.routerMessage = Self.firstLine(platform.state.message, at: 300) ?? ""
        overview.resources = statuses.overview(limit: Self.overviewResources).map { id, status in
            AgentOverview.Resource(kind: id.kind.rawValue, name: id.name, status: status.phase.rawValue, message: Self.firstLine(status.message, at: 300) ?? "")
        }
        overview.inputErrors = input.store.errors.sorted { $0.key < $1.key }.prefix(Self.overviewResources).map { file, error in
            AgentOverview.InputError(file: file, message: Self.firstLine("\(error)", at: 300) ?? "")
        }
        console.update(overview)
    }

    /// The console lists at most this many resources (those not Ready first) and input errors.
    static let overviewResources = 300

    /// A one-line description of the site for STATUS= and logs.
    func summary() -> String {
        let store = input.store
        guard let site = planner.plan.site ?? store.resources(of: .site).min(by: { $0.name < $1.name }) else {
            return "No site defined in \(layout.inputResources.path)"
        }
        var parts = ["Site \(site.name)"]
        for kind in [ResourceKind.listener, .multiKeyListener, .connector, .link, .accessGrant] {
            let count = store.count(of: kind)
            if count > 0 { parts.append("\(count) \(kind.lowercased)\(count == 1 ? "" : "s")") }
        }
        var router = "router \(platform.state.phase.rawValue)"
        // A failed router says why, in one short line (systemctl status shows it).
        if platform.state.phase == .failed, let reason = Self.firstLine(platform.state.message, at: 120), !reason.isEmpty {
            router += " (\(reason))"
        }
        parts.append(router)
        let errors = store.errors.count
        if errors > 0 { parts.append("\(errors) input file\(errors == 1 ? "" : "s") rejected") }
        if let failing { parts.append("changes not applied (\(Self.firstLine(failing.error, at: 100) ?? "")): retrying") }
        return parts.joined(separator: ", ")
    }

    /// A text's first line, cut to `limit` characters with "..." (STATUS= is one short line).
    static func firstLine(_ text: String, at limit: Int) -> String? {
        guard let line = text.split(separator: "\n").first else { return nil }
        return line.count > limit ? String(line.prefix(limit - 3)) + "..." : String(line)
    }
}
