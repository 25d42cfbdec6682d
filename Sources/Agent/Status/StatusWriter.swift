import Foundation
import Resources

/// Writes status files atomically, only when a status really changed, and removes those of deleted resources.
struct StatusWriter {
    let layout: SiteLayout
    /// What is on disk, by id.
    private(set) var written: [ResourceID: ResourceStatus] = [:]

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
        for case let document?? in documents { written[document.id] = document.status }
    }

    /// Writes what changed; returns the number of files written and removed.
    mutating func update(_ statuses: [ResourceID: ResourceStatus], only ids: Set<ResourceID>? = nil) throws -> (written: Int, removed: Int) {
        var writes = 0
        var removals = 0
        let candidates: [ResourceID] = ids.map(Array.init) ?? Array(statuses.keys)
        for id in candidates {
            guard var status = statuses[id] else { continue }
            if let old = written[id] {
                if old.isEquivalent(to: status) { continue }
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
            try AtomicFile.write(StatusDocument(id: id, namespace: layout.namespace, status: status).yaml(), to: layout.statusFile(id),
                                 mode: 0o600, skipIfUnchanged: false, durable: false)
            written[id] = status
            writes += 1
        }
        let stale = ids.map { $0.filter { statuses[$0] == nil && written[$0] != nil } } ?? written.keys.filter { statuses[$0] == nil }
        for id in stale {
            try? FileManager.default.removeItem(at: layout.statusFile(id))
            written[id] = nil
            removals += 1
        }
        return (writes, removals)
    }
}

/// The list of rejected input files, `runtime/status/input-errors.yaml`.
enum InputErrors {
    static let fileName = "input-errors.yaml"

    /// Writes the file errors (one per file), the errors of Secrets that parse but cannot be used, and the warnings.
    static func write(_ errors: [String: ResourceError], credentialErrors: [ResourceError] = [], warnings: [String: [ResourceError]],
                      layout: SiteLayout) throws {
        let url = layout.status.appendingPathComponent(fileName)
        if errors.isEmpty && credentialErrors.isEmpty && warnings.values.allSatisfy(\.isEmpty) {
            try? FileManager.default.removeItem(at: url)
            return
        }
        var text = "# Input files the agent could not apply; the last good contents of each stay in force.\n"
        text += "errors:\n"
        let all = errors.map { ($0.key, $0.value) } + credentialErrors.map { ($0.location.file, $0) }
        for (file, error) in all.sorted(by: { ($0.0, $0.1.location.document) < ($1.0, $1.1.location.document) }) {
            text += "- file: \(quoted(file))\n  document: \(error.location.document)\n"
            if let line = error.location.line { text += "  line: \(line)\n" }
            if let field = error.field { text += "  field: \(quoted(field))\n" }
            text += "  message: \(quoted(error.message))\n"
        }
        let flat = warnings.sorted { $0.key < $1.key }.flatMap { $0.value }
        if !flat.isEmpty {
            text += "warnings:\n"
            for warning in flat { text += "- \(quoted(warning.description))\n" }
        }
        try AtomicFile.write(text, to: url, mode: 0o600)
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
