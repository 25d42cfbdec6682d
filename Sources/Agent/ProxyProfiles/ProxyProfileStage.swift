import FoundationEssentials
import Logging
import Resources
import SiteFiles

/// `runtime/proxies/<name>/`: the files of the proxy profiles the plan's Links go through, where the router reads
/// them (`password.txt`, owner-only, for basic authentication). A profile no Link uses any more loses its directory.
struct ProxyProfileStage {
    let layout: SiteLayout
    let logger: Logger
    /// The passwords on disk, by profile (nil: a profile without authentication); nil before the first apply.
    private var written: [String: String?]?

    init(layout: SiteLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    /// Brings the directory in line with the plan; returns the profiles whose files changed (a router that loaded
    /// one reads its password only when the profile is created, so it must restart).
    mutating func apply(_ plan: SitePlan) throws -> Set<String> {
        let wanted = plan.proxyProfiles.mapValues(\.password)
        guard wanted != written else { return [] }
        var changed: Set<String> = []
        for (name, password) in wanted.sorted(by: { $0.key < $1.key }) where written?[name] != .some(password) {
            let directory = try layout.child(layout.proxies, name)
            let file = directory.appendingPathComponent(ProxyProfile.passwordFile)
            if let password {
                try PrivateDirectory.create(directory)
                if try AtomicFile.write(Data(password.utf8), to: file, mode: 0o600) { changed.insert(name) }
            } else if FileManager.default.fileExists(atPath: directory.path) {
                try FileManager.default.removeItem(at: directory)
                changed.insert(name)
            }
        }
        // What an earlier run (or an earlier plan) left and no Link uses now.
        let present = (try? FileManager.default.contentsOfDirectory(atPath: layout.proxies.path)) ?? []
        for name in present where wanted[name] == nil && !name.hasPrefix(".") {
            try? FileManager.default.removeItem(at: layout.proxies.appendingPathComponent(name))
        }
        if !changed.isEmpty { logger.info("proxy profiles written", metadata: ["names": "\(changed.sorted().joined(separator: ","))"]) }
        written = wanted
        return changed
    }
}
