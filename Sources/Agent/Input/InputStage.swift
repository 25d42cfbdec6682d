import FoundationEssentials
import Logging
import Resources
import SiteFiles

/// The resources in force and where they come from: the user's input directory and what redemptions brought
/// (`runtime/state/redeemed/`). Owns the resource store and the numbering of reads.
struct InputStage {
    let layout: SiteLayout
    let logger: Logger
    private(set) var store = ResourceStore()
    /// The number of the last read started, and of the last read applied, by file.
    private var readSerial = 0
    private var appliedRead: [String: Int] = [:]

    /// Store owners of resources the agent generated itself (`runtime/state/redeemed/<file>`).
    static let generatedPrefix = "@generated/"

    init(layout: SiteLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    // MARK: Reads

    /// A read of every input file (and of every file the store still holds, so deleted ones go).
    mutating func readAll(reason: String) -> InputRead {
        let present = ((try? FileManager.default.contentsOfDirectory(atPath: layout.inputResources.path)) ?? []).filter(ResourceLoader.isResourceFile)
        let names = Set(present).union(store.files.keys.filter { !$0.hasPrefix(Self.generatedPrefix) }).sorted()
        return read(names, full: true, reason: reason)
    }

    /// A read of the changed files that matter (resource files, and files the store holds); nil when none do.
    mutating func read(changed names: Set<String>) -> InputRead? {
        let relevant = names.filter { ResourceLoader.isResourceFile($0) || store.files[$0] != nil }.sorted()
        return relevant.isEmpty ? nil : read(relevant, full: false, reason: nil)
    }

    private mutating func read(_ names: [String], full: Bool, reason: String?) -> InputRead {
        readSerial += 1
        return InputRead(serial: readSerial, names: names, full: full, reason: reason)
    }

    /// Applies a parsed read to the store, skipping each file a later read already applied.
    mutating func apply(_ read: InputRead) -> ResourceStore.Change {
        var change = ResourceStore.Change()
        for (name, result) in zip(read.names, read.results) where appliedRead[name, default: 0] < read.serial {
            appliedRead[name] = read.serial
            change.merge(apply(name, result))
        }
        if let reason = read.reason {
            logger.info("read input directory", metadata: ["reason": "\(reason)", "files": "\(read.names.count)", "resources": "\(store.resources.count)"])
        }
        return change
    }

    /// Applies one file's parsed contents (nil: the file is gone), logging what is wrong with it.
    private mutating func apply(_ name: String, _ parsed: Result<ResourceLoader.FileContents, ResourceError>?) -> ResourceStore.Change {
        switch parsed {
        case nil:
            return store.apply(file: name, nil)
        case .success(let contents):
            for warning in contents.warnings { logger.warning("input file warning", metadata: ["warning": "\(warning)"]) }
            let change = store.apply(file: name, .success(contents))
            if let conflict = store.files[name]?.error {
                logger.error("input file not applied until the conflict is resolved", metadata: ["error": "\(conflict)"])
            }
            return change
        case .failure(let error):
            logger.error("input file rejected: its last good contents stay in force", metadata: ["error": "\(error)"])
            return store.apply(file: name, .failure(error))
        }
    }

    // MARK: Generated resources

    /// Loads the resources earlier redemptions produced (`runtime/state/redeemed/*.yaml`).
    mutating func loadGenerated() {
        let directory = layout.redeemed
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where ResourceLoader.isResourceFile(name) {
            do {
                let contents = try ResourceLoader.load(contentsOf: directory.appendingPathComponent(name), displayName: "runtime/state/redeemed/\(name)")
                store.setGenerated(contents.resources, owner: Self.generatedPrefix + name)
            } catch {
                logger.error("generated resource file not loaded", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Stores what redeeming the AccessToken `token` brought (`runtime/state/redeemed/AccessToken-<token>.yaml`, owner-only).
    mutating func storeRedemption(of token: String, _ resources: [Resource]) throws -> ResourceStore.Change {
        let file = Self.redemptionFile(token)
        try AtomicFile.write(ResourceEncoder.fastYAML(resources), to: layout.redeemed.appendingPathComponent(file), mode: 0o600)
        return store.setGenerated(resources, owner: Self.generatedPrefix + file)
    }

    /// Removes what redeeming the AccessToken `token` created.
    mutating func forgetRedemption(of token: String) -> ResourceStore.Change {
        let file = Self.redemptionFile(token)
        guard store.files[Self.generatedPrefix + file] != nil else { return ResourceStore.Change() }
        try? FileManager.default.removeItem(at: layout.redeemed.appendingPathComponent(file))
        logger.info("access token deleted: the link it created is removed", metadata: ["token": "\(token)"])
        return store.apply(file: Self.generatedPrefix + file, nil)
    }

    static func redemptionFile(_ token: String) -> String { "AccessToken-\(token).yaml" }

    /// Deletes the input file that holds only `request` (an expired TokenRequest), as the Kyma controller deletes
    /// the request; returns nil when the request shares its file or is not the user's.
    mutating func removeInputFile(holdingOnly id: ResourceID) -> ResourceStore.Change? {
        guard let owner = store.owner(of: id), !owner.hasPrefix(Self.generatedPrefix), store.files[owner]?.resources == [id] else { return nil }
        guard (try? FileManager.default.removeItem(at: layout.inputResources.appendingPathComponent(owner))) != nil else { return nil }
        logger.info("token request expired: removed", metadata: ["request": "\(id.name)", "file": "\(owner)"])
        return store.apply(file: owner, nil)
    }

    // MARK: Questions

    /// Whether a resource comes from the input directory (not from a redemption the agent stored).
    func isInput(_ resource: Resource) -> Bool {
        store.owner(of: resource.id).map { !$0.hasPrefix(Self.generatedPrefix) } ?? false
    }

    /// The input files' warnings, by file.
    var warnings: [String: [ResourceError]] { store.files.compactMapValues { $0.warnings.isEmpty ? nil : $0.warnings } }
}
