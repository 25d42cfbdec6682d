import FlowRecords
import FoundationEssentials
import HostSupport
import NetworkConsole
import Resources
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// Writes status files atomically, only when a status really changed, and removes those of deleted resources.
/// What it keeps of each file is small (its status, and hashes of its spec and body text), and a batch of many files
/// (a cold start) is rendered and written on every core.
struct StatusWriter {
    let layout: SiteLayout
    /// `runtime/resources`, as text: file URLs are made from it without asking the file system.
    private let directory: String
    /// What is on disk of one resource's file: 24 bytes, one of the agent's largest tables holding one per resource.
    struct WrittenFile {
        /// The status, in the copy shared by the files that say the same.
        var shared: SharedStatus
        /// The hash of the body (spec) text on disk.
        var body: Int
        /// The hash of the spec it was written from (`unknownSpec` for files an earlier run wrote): an unchanged spec
        /// needs no body rendered to know the file's body is current.
        var spec: Int

        var status: ResourceStatus { shared.status }
        /// Marks a spec not known (a chance hash of 0 only costs rendering a body to compare).
        static let unknownSpec = 0
    }

    /// A status as on disk, held once by all the files that say the same.
    final class SharedStatus: Sendable {
        let status: ResourceStatus
        init(_ status: ResourceStatus) { self.status = status }
    }

    /// What is on disk, by id (one table: a resource's entry is one key).
    private var files: [ResourceID: WrittenFile] = [:]
    /// How many statuses on disk each kind has in each phase (kept with `files`, for the metrics).
    private(set) var tally: [ResourceCountKey: Int] = [:]
    /// Goes up whenever a status was recorded or a file removed (the console's overview follows it).
    private(set) var changes: UInt64 = 0

    /// The statuses on disk, those not Ready first (then by kind and name), at most `limit`.
    /// (A page of a few hundred of 50,000 is kept in one pass, not sorted out of all of them.)
    func overview(limit: Int) -> [(ResourceID, ResourceStatus)] {
        let all = files.map { ($0.key, $0.value.status) }
        let first = Ordering.first(limit, of: all.count) { a, b in
            let aReady = all[a].1.phase == .ready, bReady = all[b].1.phase == .ready
            if aReady != bReady { return !aReady }
            return (all[a].0.kind.rawValue, all[a].0.name) < (all[b].0.kind.rawValue, all[b].0.name)
        }
        return first.map { all[$0] }
    }

    /// Statuses on disk that are alike share one copy (thousands of listeners say the same): the distinct ones seen
    /// lately, at most `maximumInterned` of them.
    private var interned: [ResourceStatus: SharedStatus] = [:]
    static let maximumInterned = 4096

    /// Batches at least this large are rendered and written on every core.
    static let parallelBatch = 128

    init(layout: SiteLayout) {
        self.layout = layout
        directory = layout.status.path
    }

    private func fileURL(_ id: ResourceID) -> URL {
        URL(fileURLWithPath: "\(directory)/\(StatusDocument.fileName(for: id))", isDirectory: false)
    }

    /// Starts reading the status files present at start (so unchanged statuses keep their timestamps) beside what
    /// the agent does until its first status write, which takes them in (`takeInExisting`): a restart over tens of
    /// thousands of resources reads as many files while the input is parsed and planned.
    mutating func loadExisting() {
        let directory = directory
        // One core is the planning's; the read takes the others (and is alone on a machine of one or two).
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        existing = Offload.Pending { Self.readExisting(in: directory, width: width) }
    }

    /// The status files read beside the loop, not yet taken in.
    private var existing: Offload.Pending<[StatusDocument]>?

    /// Takes in the status files read at start, waiting for the read to end if it has not.
    private mutating func takeInExisting() {
        guard let pending = existing else { return }
        existing = nil
        for document in pending.wait() {
            record(document.id, document.status, body: document.body.hashValue, spec: WrittenFile.unknownSpec)
        }
    }

    /// Parses the status files in `directory`, on `width` threads.
    private static func readExisting(in directory: String, width: Int) -> [StatusDocument] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let paths = names.filter { $0.hasSuffix(".yaml") && $0 != InputErrors.fileName && $0 != NetworkStatusDocument.fileName }.map { "\(directory)/\($0)" }
        let documents = Offload.map(paths.count, width: width) { index -> StatusDocument? in
            guard let bytes = FileBytes.read(paths[index]) else { return nil }
            return try? StatusDocument.parse(bytes: bytes)
        }
        return documents.compactMap { $0 ?? nil }
    }

    /// Writes what changed (a status, or the resource's spec); returns the number of files written and removed.
    /// `resources` gives each resource's spec; `siteId` is written as the Site's uid.
    mutating func update(
        _ statuses: [ResourceID: ResourceStatus], resources: ResourceStore.ResourceTable, siteId: String?,
        only ids: Set<ResourceID>? = nil
    ) throws -> (written: Int, removed: Int) {
        takeInExisting()
        let candidates: [ResourceID] = (ids.map(Array.init) ?? Array(statuses.keys)).filter { statuses[$0] != nil }
        // The body text of each candidate whose spec is not known to be the one on disk.
        let unknownSpecs = candidates.filter { id in resources[id].map { files[id]?.spec != Self.specHash($0) } ?? true }
        let bodies = Offload.map(unknownSpecs.count, parallelFrom: Self.parallelBatch) { index in
            resources[unknownSpecs[index]].map(StatusDocument.body(of:)) ?? ""
        }
        var bodyOf: [ResourceID: String] = [:]
        bodyOf.reserveCapacity(unknownSpecs.count)
        for (id, body) in zip(unknownSpecs, bodies) { bodyOf[id] = body }

        var documents: [StatusDocument] = []
        // Which of them have no file on disk yet (all of them at a cold start).
        var new: [Bool] = []
        for id in candidates {
            guard var status = statuses[id] else { continue }
            let resource = resources[id]
            let body = bodyOf[id]
            if let old = files[id]?.status {
                if old.isEquivalent(to: status), body.map({ files[id]?.body == $0.hashValue }) ?? true {
                    if let resource { files[id]?.spec = Self.specHash(resource) }
                    continue
                }
                // Keep the transition time of conditions whose state did not change.
                for index in status.conditions.indices {
                    if let previous = old.conditions.first(where: { $0.type == status.conditions[index].type }),
                        previous.status == status.conditions[index].status
                    {
                        status.conditions[index].lastTransitionTime = previous.lastTransitionTime
                    }
                }
            }
            let text = body ?? resource.map(StatusDocument.body(of:)) ?? ""
            documents.append(StatusDocument(id: id, namespace: layout.namespace, status: status, body: text, uid: id.kind == .site ? siteId : nil))
            new.append(files[id] == nil)
            record(id, status, body: text.hashValue, spec: resource.map(Self.specHash) ?? WrittenFile.unknownSpec)
        }
        for (document, isNew) in zip(documents, new) { outbox[document.id] = .write(document, new: isNew) }
        var removals = 0
        let stale = ids.map { $0.filter { statuses[$0] == nil && files[$0] != nil } } ?? files.keys.filter { statuses[$0] == nil }
        for id in stale {
            outbox[id] = .remove
            record(id, nil)
            removals += 1
        }
        return (documents.count, removals)
    }

    // MARK: Writing beside the loop

    /// What is decided and not yet on disk, by id (a later decision replaces an earlier one not yet taken).
    private var outbox: [ResourceID: Pending] = [:]
    /// Whether a batch is being written beside the loop (one at a time, so a file's writes keep their order).
    private var flushing = false

    /// Whether decided statuses are not on disk yet.
    var isFlushing: Bool { flushing || !outbox.isEmpty }

    /// One file's change waiting to be written.
    enum Pending: Sendable {
        case write(StatusDocument, new: Bool)
        case remove
    }

    /// How a batch written beside the loop ended: the files that could not be written, and the first reason.
    struct Flushed: Sendable {
        var failed: [ResourceID] = []
        var failure: String?
    }

    /// The work that writes what was decided since the last batch, unless a batch is being written.
    mutating func flushWork() -> (@Sendable () async -> Flushed)? {
        guard !flushing, !outbox.isEmpty else { return nil }
        flushing = true
        let batch = outbox
        outbox = [:]
        let directory = directory
        return { (try? await Offload.run { Self.write(batch, in: directory) }) ?? Flushed(failed: Array(batch.keys), failure: "the agent is stopping") }
    }

    /// Takes in how a batch ended: what could not be written is no longer counted as on disk (so it is written at
    /// the next decision), and the next batch may start.
    mutating func flushed(_ result: Flushed) {
        flushing = false
        for id in result.failed where outbox[id] == nil { record(id, nil) }
    }

    /// Writes what is waiting now, on this thread (the agent is stopping).
    mutating func flush() {
        guard !outbox.isEmpty else { return }
        let result = Self.write(outbox, in: directory)
        outbox = [:]
        flushed(result)
    }

    /// Writes a batch of status files and removes those of deleted resources, on every core for a large one, in the
    /// status directory held open for it (each file named relative to it). Status is derived from the input again at
    /// every start: atomic, but not flushed one file at a time; owner-only (grant and token request statuses hold
    /// codes and tokens).
    private static func write(_ batch: [ResourceID: Pending], in path: String) -> Flushed {
        let directory: AtomicFile.OpenDirectory
        do { directory = try AtomicFile.OpenDirectory(path) } catch {
            return Flushed(failed: Array(batch.keys), failure: "\(error)")
        }
        let items = Array(batch)
        let failures = Offload.map(items.count, parallelFrom: Self.parallelBatch) { index -> String? in
            let (id, pending) = items[index]
            let name = StatusDocument.fileName(for: id)
            switch pending {
            case .write(let document, let new):
                do { try AtomicFile.write(parts: [document.yaml()], named: name, in: directory, mode: 0o600, durable: false, new: new) } catch {
                    return "\(error)"
                }
            case .remove:
                if unlink("\(path)/\(name)") != 0 && errno != ENOENT { return "cannot remove \(path)/\(name): \(String(cString: strerror(errno)))" }
            }
            return nil
        }
        var result = Flushed()
        for (item, failure) in zip(items, failures) where failure != nil {
            result.failed.append(item.key)
            if result.failure == nil { result.failure = failure }
        }
        return result
    }

    /// A status file that could not be written (the first of a batch), as the file system said.
    struct StatusWriteError: Error, CustomStringConvertible {
        var description: String
    }

    /// A resource's spec hash as `WrittenFile.spec` keeps it.
    private static func specHash(_ resource: Resource) -> Int {
        let hash = resource.spec.hashValue
        return hash == WrittenFile.unknownSpec ? 1 : hash
    }

    /// The status as on disk (timestamps in whole seconds, as written), in the copy shared by those alike.
    private mutating func shared(_ status: ResourceStatus) -> SharedStatus {
        var status = status
        for index in status.conditions.indices {
            let time = status.conditions[index].lastTransitionTime.timeIntervalSince1970
            status.conditions[index].lastTransitionTime = Date(timeIntervalSince1970: time.rounded(.down))
        }
        if let existing = interned[status] { return existing }
        if interned.count >= Self.maximumInterned { interned = [:] }
        let shared = SharedStatus(status)
        interned[status] = shared
        return shared
    }

    /// Sets what is on disk of `id`: a file with this status and hashes.
    private mutating func record(_ id: ResourceID, _ status: ResourceStatus, body: Int, spec: Int) {
        record(id, WrittenFile(shared: shared(status), body: body, spec: spec))
    }

    /// Sets what is on disk of `id` (nil: nothing), and counts its status.
    private mutating func record(_ id: ResourceID, _ file: WrittenFile?) {
        if let old = files[id]?.status {
            let key = ResourceCountKey(kind: id.kind.rawValue, state: old.phase.rawValue)
            tally[key] = (tally[key] ?? 1) > 1 ? tally[key]! - 1 : nil
        }
        files[id] = file
        changes &+= 1
        if let status = file?.status { tally[ResourceCountKey(kind: id.kind.rawValue, state: status.phase.rawValue), default: 0] += 1 }
    }
}
