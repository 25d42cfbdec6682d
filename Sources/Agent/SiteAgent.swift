import Certificates
import Foundation
import Logging
import Platforms
import Resources
import RouterConfig
import Synchronization

/// The site agent: keeps the router configuration, certificates, router and status files in line with the
/// resources in the namespace's input directory.
public actor SiteAgent {
    public let options: AgentOptions
    let platform: any RouterPlatform
    let logger: Logger
    var store = ResourceStore()
    var statusWriter: StatusWriter
    var lastConfig: String?
    var lastCertificates: [CertificateRequest] = []
    var lastLinkSecrets: [String: SecretSpec] = [:]
    var platformState = PlatformState(.stopped, "not started")
    var identity: SiteIdentity?
    var hadSite = false
    /// The plan in force, updated with each change (listeners and connectors one by one).
    var plan = SitePlan()
    /// The router entities of the listeners and connectors, rendered once per change.
    var renderedServices = RenderedServices()
    /// The platform state the statuses on disk were computed with.
    var statusPlatformState: PlatformState?
    /// When the router's state was last checked.
    var lastPlatformCheck = Date.distantPast
    /// Statuses decided by the grant coordinator (grants, tokens, token requests), by id.
    var externalStatuses: [ResourceID: ResourceStatus] = [:]
    /// Serves grants and redeems tokens.
    let grants: GrantCoordinator
    /// Entry points run one at a time, even across suspension points.
    var gateBusy = false
    var gateWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set while a reconcile for counted redemptions is queued.
    let redemptionQueued = Atomic<Bool>(false)
    /// Counters for status lines and tests.
    public private(set) var reconcileCount = 0
    /// Reads of input files are numbered as they start; a file's result is applied only if no later read of it was.
    var readSerial = 0
    var appliedRead: [String: Int] = [:]
    /// Input Secrets whose credentials cannot be used (their last good credentials stay in force), by Secret name.
    var credentialProblems: [String: String] = [:]

    public var layout: SiteLayout { options.layout }

    public init(options: AgentOptions, platform: any RouterPlatform, logger: Logger) {
        self.options = options
        self.platform = platform
        self.logger = logger
        self.statusWriter = StatusWriter(layout: options.layout)
        self.grants = GrantCoordinator(layout: options.layout, options: options.grantServer, logger: logger)
    }

    /// Runs `body` when no other entry point is running, so reconciles never interleave.
    func exclusive<T>(_ body: () async throws -> T) async rethrows -> T {
        while gateBusy { await withCheckedContinuation { gateWaiters.append($0) } }
        gateBusy = true
        defer {
            gateBusy = false
            if !gateWaiters.isEmpty { gateWaiters.removeFirst().resume() }
        }
        return try await body()
    }

    /// Creates the directories, reads every input file and applies the result (the first reconcile).
    public func start() async throws {
        grants.server.onRedemption { [weak self] _ in
            // A burst of redemptions queues one reconcile of the grant statuses, not one each.
            guard let self, !self.redemptionQueued.exchange(true, ordering: .acquiringAndReleasing) else { return }
            Task { await self.grantRedeemed() }
        }
        try await exclusive {
            try layout.createDirectories()
            // Leftovers of a crash mid-write in the agent's own directories (never in the user's input directory).
            AtomicFile.removeTemporaries(under: layout.runtime)
            statusWriter.loadExisting()
            lastConfig = try? String(contentsOf: layout.routerConfig, encoding: .utf8)
            loadGenerated()
        }
        try await rescan(reason: "start")
    }

    /// Reads the whole input directory again (SIGHUP, or lost inotify events) and applies what changed.
    public func rescan(reason: String) async throws {
        let names = Set(inputFileNames()).union(store.files.keys.filter { !$0.hasPrefix(Self.generatedPrefix) }).sorted()
        try await read(names, full: true, reason: reason)
    }

    /// Applies a batch of changed file names from the watcher.
    public func filesChanged(_ names: Set<String>) async throws {
        let relevant = names.filter { ResourceLoader.isResourceFile($0) || store.files[$0] != nil }.sorted()
        guard !relevant.isEmpty else { return }
        try await read(relevant, full: false, reason: nil)
    }

    /// Reads and parses files off the actor (other entry points run meanwhile; cancellation stops the wait), then
    /// applies them one reconcile at a time, skipping any file a later read already applied.
    func read(_ names: [String], full: Bool, reason: String?) async throws {
        readSerial += 1
        let serial = readSerial
        let directory = layout.inputResources
        let parsed = try await Offload.run { Self.parseInParallel(names, in: directory) }
        try await exclusive {
            var change = ResourceStore.Change()
            for (name, result) in zip(names, parsed) where appliedRead[name, default: 0] < serial {
                appliedRead[name] = serial
                change.merge(load(name, parsed: result))
            }
            // What a deleted AccessToken's redemption created (its Link and Secret) goes with it.
            for id in change.removed where id.kind == .accessToken { change.merge(forgetRedemption(of: id.name)) }
            if let reason {
                logger.info("read input directory", metadata: ["reason": "\(reason)", "files": "\(names.count)", "resources": "\(store.resources.count)"])
            }
            try await reconcile(change, full: full)
        }
    }

    /// The resources in force.
    public func resources() -> [ResourceID: Resource] { store.resources }

    /// The rejected input files and why.
    public func fileErrors() -> [String: ResourceError] { store.errors }

    /// A one-line description of the site for STATUS= and logs.
    public func summary() -> String {
        guard let site = plan.site ?? store.resources(of: .site).min(by: { $0.name < $1.name }) else {
            return "No site defined in \(layout.inputResources.path)"
        }
        var parts = ["Site \(site.name)"]
        for kind in [ResourceKind.listener, .connector, .link, .accessGrant] {
            let count = store.count(of: kind)
            if count > 0 { parts.append("\(count) \(kind.lowercased)\(count == 1 ? "" : "s")") }
        }
        parts.append("router \(platformState.phase.rawValue)")
        let errors = store.errors.count
        if errors > 0 { parts.append("\(errors) input file\(errors == 1 ? "" : "s") rejected") }
        return parts.joined(separator: ", ")
    }

    // MARK: - Loading

    func inputFileNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: layout.inputResources.path)) ?? []).filter(ResourceLoader.isResourceFile)
    }

    /// Reads and parses files on all cores; nil for a file that is gone (or is not a resource file).
    nonisolated static func parseInParallel(_ names: [String], in directory: URL) -> [Result<ResourceLoader.FileContents, ResourceError>?] {
        Offload.map(names.count) { index in parse(names[index], in: directory) }.map { $0 ?? nil }
    }

    /// Reads and parses one input file; nil when it is gone or is not a resource file.
    nonisolated static func parse(_ name: String, in directory: URL) -> Result<ResourceLoader.FileContents, ResourceError>? {
        guard ResourceLoader.isResourceFile(name) else { return nil }
        do throws(ResourceError) {
            return try ResourceLoader.load(name, in: directory, displayName: "input/resources/\(name)").map { .success($0) }
        } catch {
            return .failure(error)
        }
    }

    /// Applies a file's parsed contents (nil: the file is gone) to the store, logging what is wrong with it.
    func load(_ name: String, parsed: Result<ResourceLoader.FileContents, ResourceError>?) -> ResourceStore.Change {
        switch parsed {
        case nil:
            return store.apply(file: name, nil)
        case .success(let contents):
            for warning in contents.warnings { logger.warning("\(warning)") }
            let change = store.apply(file: name, .success(contents))
            if let conflict = store.files[name]?.error {
                logger.error("\(conflict) (the file is not applied until the conflict is resolved)")
            }
            return change
        case .failure(let error):
            logger.error("\(error) (the file's last good contents stay in force)")
            return store.apply(file: name, .failure(error))
        }
    }

    // MARK: - Reconcile

    /// Applies a change: listeners and connectors it names are re-planned, re-rendered and get new statuses one
    /// by one; a change to a site-wide kind (Site, RouterAccess, Link, Secret), `full`, or a new platform state
    /// re-plans the site and recomputes every status.
    func reconcile(_ change: ResourceStore.Change, full: Bool) async throws {
        reconcileCount += 1
        let started = ContinuousClock.now
        let siteWide = store.resources(of: SitePlan.siteWideKinds)
        let siteWideChanged = full || change.all.contains { SitePlan.siteWideKinds.contains($0.kind) }
        let site = siteWide.filter { $0.kind == .site }.min { $0.name < $1.name }
        if let site, siteWideChanged || identity == nil {
            identity = try IdentityStore(layout: layout).identity(siteName: site.name)
        }
        let identity = site == nil ? SiteIdentity(siteId: "", routerId: "") : self.identity!
        let renderer = RouterConfigRenderer(platform: platform.name, sslProfileBasePath: platform.sslProfileBasePath(for: layout), version: options.version)

        // Listeners and connectors: only those that changed, and those that depend on them.
        var affected: Set<ResourceID> = []
        if full {
            plan = SitePlan()
            var services: [ResourceID: Resource?] = [:]
            for kind in [ResourceKind.listener, .connector] { for resource in store.resources(of: kind) { services[resource.id] = resource } }
            _ = plan.updateServices(services)
            renderedServices.rebuild(plan: plan, renderer: renderer)
        } else {
            var services: [ResourceID: Resource?] = [:]
            for id in change.all where id.kind == .listener || id.kind == .connector { services[id] = store.resources[id] }
            if !services.isEmpty {
                let update = plan.updateServices(services)
                renderedServices.update(update.rerender, plan: plan, renderer: renderer)
                affected = update.affected
            }
        }
        if siteWideChanged { plan.replan(siteWide, identity: identity) }

        var configChanged = false
        if let site {
            configChanged = try ensureCertificates(plan, force: full || change.touches(.secret))
            configChanged = try writeLinkProfiles(plan) || configChanged
            if let text = renderer.renderText(plan, identity: identity, namespace: layout.namespace, services: renderedServices), text != lastConfig {
                // Derived from the input at every start: replaced atomically, not flushed to disk each time.
                try AtomicFile.write(text, to: layout.routerConfig, skipIfUnchanged: false, durable: false)
                lastConfig = text
                configChanged = true
                logger.info("router configuration written", metadata: ["path": "\(layout.routerConfig.path)", "services": "\(plan.services.count)"])
            }
            if configChanged || full || !platformState.isHealthy || !hadSite {
                do {
                    platformState = try await platform.apply(layout: layout, siteName: site.name, siteId: identity.siteId, settings: site.site?.settings ?? [:], configChanged: configChanged)
                } catch {
                    platformState = PlatformState(.failed, "\(error)")
                    logger.error("platform \(platform.name): \(error)")
                }
            }
            hadSite = true
        } else {
            if hadSite {
                do { try await platform.teardown(layout: layout) } catch { logger.error("platform teardown: \(error)") }
                try? FileManager.default.removeItem(at: layout.routerConfig)
                lastConfig = nil
                hadSite = false
                logger.info("site removed: router stopped and configuration removed")
            }
            platformState = PlatformState(.stopped, "no Site is defined")
        }
        let accessIdentity = site == nil ? nil : identity
        func decideAccess() async -> [ResourceID: ResourceStatus] {
            await grants.reconcile(plan: plan, grants: store.resources(of: .accessGrant), requests: store.resources(of: .tokenRequest),
                                   accessTokens: store.resources(of: .accessToken), identity: accessIdentity)
        }
        externalStatuses = await decideAccess()
        // A token refused before it was sent changes its own status: decided again.
        if let site, startRedemptions(siteName: site.name) { externalStatuses = await decideAccess() }

        // Statuses: all of them when the site or the router changed, otherwise the affected ones and the site-wide kinds.
        if siteWideChanged || statusPlatformState != platformState {
            try writeStatuses(only: nil)
        } else {
            var ids = affected.union(change.all).union(externalStatuses.keys)
            for resource in siteWide where resource.kind != .secret { ids.insert(resource.id) }
            try writeStatuses(only: ids)
        }
        statusPlatformState = platformState
        try InputErrors.write(store.errors, credentialErrors: credentialErrors, warnings: store.files.compactMapValues { $0.warnings.isEmpty ? nil : $0.warnings }, layout: layout)
        logger.debug("reconciled", metadata: ["changed": "\(change.all.count)", "affected": "\(affected.count)", "full": "\(siteWideChanged)",
                                              "elapsed": "\(ContinuousClock.now - started)"])
    }

    func ensureCertificates(_ plan: SitePlan, force: Bool) throws -> Bool {
        guard force || plan.certificates != lastCertificates else { return false }
        // Only the user's Secrets stand in for the site's certificates: never one a redemption answer brought.
        let secrets = Dictionary(uniqueKeysWithValues: store.resources(of: .secret).filter(isInput).map { ($0.name, $0.secret!) })
        let outcome = try SiteCertificates(layout: layout).ensure(plan.certificates, secrets: secrets)
        lastCertificates = plan.certificates
        credentialProblems = outcome.problems
        for (name, problem) in outcome.problems.sorted(by: { $0.key < $1.key }) {
            logger.error("Secret \(name) cannot be used: \(problem) (its last good credentials stay in force)")
        }
        if !outcome.generated.isEmpty { logger.info("certificates generated", metadata: ["names": "\(outcome.generated.joined(separator: ","))"]) }
        return !outcome.generated.isEmpty || !outcome.copied.isEmpty
    }

    /// Whether a resource comes from the input directory (not from a redemption the agent stored).
    func isInput(_ resource: Resource) -> Bool {
        store.owners[resource.id].map { !$0.hasPrefix(Self.generatedPrefix) } ?? false
    }

    /// Input Secrets that cannot be used, as errors located in their files.
    var credentialErrors: [ResourceError] {
        credentialProblems.sorted { $0.key < $1.key }.compactMap { name, problem in
            guard let secret = store.resources[ResourceID(.secret, name)], let source = secret.source else { return nil }
            return ResourceError(source, field: "data", "Secret \"\(name)\" cannot be used: \(problem); its last good credentials stay in force")
        }
    }

    func writeLinkProfiles(_ plan: SitePlan) throws -> Bool {
        var wanted: [String: SecretSpec] = [:]
        for (_, secret) in plan.links { wanted[secret.name] = secret.secret! }
        guard wanted != lastLinkSecrets else { return false }
        let certificates = SiteCertificates(layout: layout)
        var changed = false
        for (name, secret) in wanted where lastLinkSecrets[name] != secret {
            changed = try certificates.writeLinkProfile(secretName: name, secret: secret) || changed
        }
        for name in lastLinkSecrets.keys where wanted[name] == nil {
            try? FileManager.default.removeItem(at: layout.certificate(SitePlan.linkProfile(name)))
        }
        lastLinkSecrets = wanted
        return changed
    }

    /// Computes and writes the statuses of `ids` (all resources when nil); only changed statuses are written.
    func writeStatuses(only ids: Set<ResourceID>?) throws {
        let builder = StatusBuilder(plan: plan, platform: platformState, fileErrors: store.errors.count, credentialProblems: credentialProblems)
        let statuses: [ResourceID: ResourceStatus]
        if let ids {
            statuses = builder.statuses(for: ids.compactMap { store.resources[$0] }, external: externalStatuses)
        } else {
            statuses = builder.statuses(for: store.resources.values, external: externalStatuses)
        }
        let result = try statusWriter.update(statuses, only: ids)
        if result.written + result.removed > 0 {
            logger.debug("status files updated", metadata: ["written": "\(result.written)", "removed": "\(result.removed)"])
        }
    }
}
