import FoundationEssentials
import Logging
import RouterEntities
import RouterRendering
import SiteFiles

/// Each sslProfile's credentials revision, kept in `runtime/state/tls-ordinals.json` so that a restarted agent,
/// and the router started from the configuration it renders, go on from it: a router is only ever asked to go
/// forward (it keeps connections by revision, and closes those older than the oldest valid one).
struct TLSOrdinalStore {
    let url: URL
    private(set) var ordinals: [String: TLSOrdinal] = [:]

    /// Reads what an earlier run kept; a file that cannot be read is reported and started over (the configuration
    /// an earlier run left is adopted too, see `adopt`).
    init(url: URL, logger: Logger) {
        self.url = url
        guard let data = try? Data(contentsOf: url) else { return }
        do {
            ordinals = try JSONDecoder().decode([String: TLSOrdinal].self, from: data)
        } catch {
            logger.warning(
                "TLS revisions file cannot be read: revisions go on from the router configuration", metadata: ["path": "\(url.path)", "error": "\(error)"])
        }
    }

    /// Takes in the revisions a configuration names (the one an earlier run left), so a lost state file never sends
    /// a router back.
    mutating func adopt(_ config: RouterConfig?) {
        for entity in config?.entities(ofType: "sslProfile") ?? [] {
            guard let name = entity.text("name") else { continue }
            let found = TLSOrdinal(
                ordinal: entity.text("ordinal").flatMap { Int($0) } ?? 0, oldestValid: entity.text("oldestValidOrdinal").flatMap { Int($0) } ?? 0)
            let kept = ordinals[name] ?? TLSOrdinal()
            ordinals[name] = TLSOrdinal(ordinal: max(kept.ordinal, found.ordinal), oldestValid: max(kept.oldestValid, found.oldestValid))
        }
    }

    /// Moves each named profile to its next revision and keeps the result on disk before returning (the router is
    /// asked for a revision only once it is kept).
    mutating func advance(_ names: Set<String>, priorValidRevisions: Int) throws {
        guard !names.isEmpty else { return }
        var next = ordinals
        for name in names { next[name] = (next[name] ?? TLSOrdinal()).advanced(priorValidRevisions: priorValidRevisions) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try PrivateDirectory.create(url.deletingLastPathComponent())
        _ = try AtomicFile.write(try encoder.encode(next), to: url, mode: 0o600)
        ordinals = next
    }
}
