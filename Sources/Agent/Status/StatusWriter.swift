import SiteFiles
import Foundation
import Resources

/// Writes status files atomically, only when a status really changed, and removes those of deleted resources.
struct StatusWriter {
    let layout: SiteLayout
    /// What is on disk, by id.
    private(set) var written: [ResourceID: ResourceStatus] = [:]
    /// How many statuses on disk each kind has in each phase (kept with `written`, for the metrics).
    private(set) var tally: [ResourceCountKey: Int] = [:]
    /// The body (spec) text on disk, by id, and the spec it was written from (unknown for files an earlier run wrote).
    private var writtenBodies: [ResourceID: String] = [:]
    private var writtenSpecs: [ResourceID: ResourceSpec] = [:]

    init(layout: SiteLayout) {
        self.layout = layout
    }

    /// Loads the status files present at start, so unchanged statuses keep their timestamps.
    mutating func loadExisting() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: layout.status.path) else { return }
        let urls = names.filter { $0.hasSuffix(".yaml") && $0 != InputErrors.fileName }.map { layout.status.appendingPathComponent($0) }
        // Parsed on all cores: a restart with thousands of resources reads as many status files.
        let documents = Offload.map(urls.count) { index -> StatusDocument? in
            guard let text = try? String(contentsOf: urls[index], encoding: .utf8) else { return nil }
            return try? StatusDocument.parse(text)
        }
        for case let document?? in documents {
            record(document.id, document.status)
            writtenBodies[document.id] = document.body
        }
    }

    /// Writes what changed (a status, or the resource's spec); returns the number of files written and removed.
    /// `resources` gives each resource's spec; `siteId` is written as the Site's uid.
    mutating func update(_ statuses: [ResourceID: ResourceStatus], resources: [ResourceID: Resource], siteId: String?,
                         only ids: Set<ResourceID>? = nil) throws -> (written: Int, removed: Int) {
        var writes = 0
        var removals = 0
        let candidates: [ResourceID] = ids.map(Array.init) ?? Array(statuses.keys)
        for id in candidates {
            guard var status = statuses[id] else { continue }
            let resource = resources[id]
            let body: String
            if let resource, let spec = writtenSpecs[id], spec == resource.spec, let text = writtenBodies[id] {
                body = text
            } else {
                body = resource.map(StatusDocument.body(of:)) ?? ""
            }
            if let old = written[id] {
                if old.isEquivalent(to: status), writtenBodies[id] == body {
                    if let resource { writtenSpecs[id] = resource.spec }
                    continue
                }
                // Keep the transition time of conditions whose state did not change.
                for index in status.conditions.indices {
                    if let previous = old.conditions.first(where: { $0.type == status.conditions[index].type }),
                       previous.status == status.conditions[index].status {
                        status.conditions[index].lastTransitionTime = previous.lastTransitionTime
                    }
                }
            }
            // Status is derived from the input again at every start: atomic, but not flushed one file at a time.
            // Owner-only: grant and token request statuses hold codes and tokens.
            let document = StatusDocument(id: id, namespace: layout.namespace, status: status, body: body, uid: id.kind == .site ? siteId : nil)
            try AtomicFile.write(document.yaml(), to: layout.statusFile(id), mode: 0o600, skipIfUnchanged: false, durable: false)
            record(id, status)
            writtenBodies[id] = body
            writtenSpecs[id] = resource?.spec
            writes += 1
        }
        let stale = ids.map { $0.filter { statuses[$0] == nil && written[$0] != nil } } ?? written.keys.filter { statuses[$0] == nil }
        for id in stale {
            try? FileManager.default.removeItem(at: layout.statusFile(id))
            record(id, nil)
            writtenBodies[id] = nil
            writtenSpecs[id] = nil
            removals += 1
        }
        return (writes, removals)
    }

    /// Sets the status on disk of `id`, and counts it.
    private mutating func record(_ id: ResourceID, _ status: ResourceStatus?) {
        if let old = written[id] {
            let key = ResourceCountKey(kind: id.kind.rawValue, state: old.phase.rawValue)
            tally[key] = (tally[key] ?? 1) > 1 ? tally[key]! - 1 : nil
        }
        written[id] = status
        if let status { tally[ResourceCountKey(kind: id.kind.rawValue, state: status.phase.rawValue), default: 0] += 1 }
    }
}
