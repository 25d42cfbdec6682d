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
        try await rescanNow(reason: "start")
        }
    }

    /// Reads the whole input directory again (SIGHUP, or lost inotify events) and applies what changed.
    public func rescan(reason: String) async throws {
        try await exclusive { try await rescanNow(reason: reason) }
    }

    func rescanNow(reason: String) async throws {
        let names = Set(inputFileNames())
        let known = Set(store.files.keys).filter { !$0.hasPrefix(Self.generatedPrefix) }
        var change = ResourceStore.Change()
        // Files are parsed in parallel (parsing is most of a cold start), then applied in name order.
        let all = names.union(known).sorted()
        let parsed = Self.parseInParallel(all.map { layout.inputResources.appendingPathComponent($0) })
        for (name, result) in zip(all, parsed) { change.merge(load(name, parsed: result)) }
        logger.info("read input directory", metadata: ["reason": "\(reason)", "files": "\(names.count)", "resources": "\(store.resources.count)"])
        try await reconcile(change, full: true)
    }

    /// Applies a batch of changed file names from the watcher.
    public func filesChanged(_ names: Set<String>) async throws {
        try await exclusive {
        var change = ResourceStore.Change()
        var relevant = false
        for name in names where ResourceLoader.isResourceFile(name) || store.files[name] != nil {
            relevant = true
            change.merge(load(name))
        }
        guard relevant else { return }
        try await reconcile(change, full: false)
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

    /// Reads and parses files on all cores; nil for a file that is gone (or is not a regular resource file).
    nonisolated static func parseInParallel(_ urls: [URL]) -> [Result<ResourceLoader.FileContents, ResourceError>?] {
        let results = Mutex([Result<ResourceLoader.FileContents, ResourceError>?](repeating: nil, count: urls.count))
        DispatchQueue.concurrentPerform(iterations: urls.count) { index in
            let result = parse(urls[index])
            results.withLock { $0[index] = result }
        }
        return results.withLock { $0 }
    }

    /// Reads and parses one input file; nil when it is gone or is not a regular resource file.
    nonisolated static func parse(_ url: URL) -> Result<ResourceLoader.FileContents, ResourceError>? {
        var isDirectory: ObjCBool = false
        guard ResourceLoader.isResourceFile(url.lastPathComponent), FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
              !isDirectory.boolValue else { return nil }
        do throws(ResourceError) {
            return .success(try ResourceLoader.load(contentsOf: url, displayName: "input/resources/\(url.lastPathComponent)"))
        } catch {
            return .failure(error)
        }
    }

    func load(_ name: String) -> ResourceStore.Change {
        load(name, parsed: Self.parse(layout.inputResources.appendingPathComponent(name)))
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
        externalStatuses = await grants.reconcile(plan: plan, grants: store.resources(of: .accessGrant), requests: store.resources(of: .tokenRequest),
                                                  accessTokens: store.resources(of: .accessToken), identity: site == nil ? nil : identity)
        if let site { startRedemptions(siteName: site.name) }

        // Statuses: all of them when the site or the router changed, otherwise the affected ones and the site-wide kinds.
        if siteWideChanged || statusPlatformState != platformState {
            try writeStatuses(only: nil)
        } else {
            var ids = affected.union(change.all).union(externalStatuses.keys)
            for resource in siteWide where resource.kind != .secret { ids.insert(resource.id) }
            try writeStatuses(only: ids)
        }
        statusPlatformState = platformState
        try InputErrors.write(store.errors, warnings: store.files.compactMapValues { $0.warnings.isEmpty ? nil : $0.warnings }, layout: layout)
        logger.debug("reconciled", metadata: ["changed": "\(change.all.count)", "affected": "\(affected.count)", "full": "\(siteWideChanged)",
                                              "elapsed": "\(ContinuousClock.now - started)"])
    }

    func ensureCertificates(_ plan: SitePlan, force: Bool) throws -> Bool {
        guard force || plan.certificates != lastCertificates else { return false }
        let secrets = Dictionary(uniqueKeysWithValues: store.resources(of: .secret).map { ($0.name, $0.secret!) })
        let outcome = try SiteCertificates(layout: layout).ensure(plan.certificates, secrets: secrets)
        lastCertificates = plan.certificates
        if !outcome.generated.isEmpty { logger.info("certificates generated", metadata: ["names": "\(outcome.generated.joined(separator: ","))"]) }
        return !outcome.generated.isEmpty || !outcome.copied.isEmpty
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
        let builder = StatusBuilder(plan: plan, platform: platformState, fileErrors: store.errors.count)
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
