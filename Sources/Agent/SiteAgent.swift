import Certificates
import Foundation
import Logging
import Platforms
import Resources
import RouterConfig

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
    /// When the router's state was last checked.
    var lastPlatformCheck = Date.distantPast
    /// Statuses decided by the grant coordinator (grants, tokens, token requests), by id.
    var externalStatuses: [ResourceID: ResourceStatus] = [:]
    /// Serves grants and redeems tokens.
    let grants: GrantCoordinator
    /// Entry points run one at a time, even across suspension points.
    var gateBusy = false
    var gateWaiters: [CheckedContinuation<Void, Never>] = []
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
            guard let self else { return }
            Task { await self.grantRedeemed() }
        }
        try await exclusive {
        try layout.createDirectories()
        // Leftovers of a crash mid-write in the agent's own directories (never in the user's input directory).
        for directory in [layout.status, layout.routerDirectory, layout.state, layout.generatedResources] {
            AtomicFile.removeTemporaries(in: directory)
        }
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
        for name in names.union(known) { change.merge(load(name)) }
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
        let counts = Dictionary(grouping: store.resources.values, by: \.kind).mapValues(\.count)
        guard let site = store.resources.values.first(where: { $0.kind == .site }) else {
            return "No site defined in \(layout.inputResources.path)"
        }
        var parts = ["Site \(site.name)"]
        for kind in [ResourceKind.listener, .connector, .link, .accessGrant] {
            let count = counts[kind] ?? 0
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

    func load(_ name: String) -> ResourceStore.Change {
        let url = layout.inputResources.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard ResourceLoader.isResourceFile(name), FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return store.apply(file: name, nil)
        }
        do {
            let contents = try ResourceLoader.load(contentsOf: url, displayName: "input/resources/\(name)")
            for warning in contents.warnings { logger.warning("\(warning)") }
            let change = store.apply(file: name, .success(contents))
            if let conflict = store.files[name]?.error {
                logger.error("\(conflict) (the file is not applied until the conflict is resolved)")
            }
            return change
        } catch {
            logger.error("\(error) (the file's last good contents stay in force)")
            return store.apply(file: name, .failure(error))
        }
    }

    // MARK: - Reconcile

    func reconcile(_ change: ResourceStore.Change, full: Bool) async throws {
        reconcileCount += 1
        let site = store.resources.values.filter { $0.kind == .site }.min { $0.name < $1.name }
        if let site {
            let identity = try IdentityStore(layout: layout).identity(siteName: site.name)
            self.identity = identity
            let plan = SitePlan(resources: store.resources.values, identity: identity)
            var configChanged = try ensureCertificates(plan, force: full || change.touches(.secret))
            configChanged = try writeLinkProfiles(plan) || configChanged
            let renderer = RouterConfigRenderer(platform: platform.name, sslProfileBasePath: platform.sslProfileBasePath(for: layout), version: options.version)
            if let config = renderer.render(plan, identity: identity, namespace: layout.namespace) {
                let text = config.json()
                if text != lastConfig {
                    try AtomicFile.write(text, to: layout.routerConfig)
                    lastConfig = text
                    configChanged = true
                    logger.info("router configuration written", metadata: ["path": "\(layout.routerConfig.path)", "entities": "\(config.entities.count)"])
                }
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
            externalStatuses = await grants.reconcile(plan: plan, resources: store.resources, identity: identity)
            startRedemptions(siteName: site.name)
            try writeStatuses(plan, change: change, full: full || configChanged)
        } else {
            if hadSite {
                do { try await platform.teardown(layout: layout) } catch { logger.error("platform teardown: \(error)") }
                try? FileManager.default.removeItem(at: layout.routerConfig)
                lastConfig = nil
                hadSite = false
                logger.info("site removed: router stopped and configuration removed")
            }
            platformState = PlatformState(.stopped, "no Site is defined")
            let plan = SitePlan(resources: store.resources.values, identity: SiteIdentity(siteId: "", routerId: ""))
            externalStatuses = await grants.reconcile(plan: plan, resources: store.resources, identity: nil)
            try writeStatuses(plan, change: change, full: true)
        }
        try InputErrors.write(store.errors, warnings: store.files.compactMapValues { $0.warnings.isEmpty ? nil : $0.warnings }, layout: layout)
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

    func writeStatuses(_ plan: SitePlan, change: ResourceStore.Change, full: Bool) throws {
        let builder = StatusBuilder(plan: plan, platform: platformState, fileErrors: store.errors.count)
        let statuses = builder.statuses(for: store.resources.values, external: externalStatuses)
        // Statuses depend on other resources (routing keys, the site), so all are computed; only changed ones are written.
        let result = try statusWriter.update(statuses)
        if result.written + result.removed > 0 {
            logger.debug("status files updated", metadata: ["written": "\(result.written)", "removed": "\(result.removed)"])
        }
    }
}
