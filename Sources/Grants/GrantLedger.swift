import FoundationEssentials
import HostSupport
import Resources
import SiteFiles
import Synchronization

/// The grants this site serves and how often each was redeemed. Every redemption is checked and counted
/// under one lock and persisted (flushed to disk) before it is answered, so counts are exact under concurrency
/// and survive restarts, and a crash never gives out more than was allowed. Redemptions that arrive together
/// share one write (group commit), so the disk's flush time bounds latency, not throughput.
public final class GrantLedger: Sendable {
    /// What a grant should be: from an AccessGrant's spec, or made for a TokenRequest.
    public struct Desired: Sendable, Hashable {
        public var name: String
        public var code: String?
        public var expirationWindow: GoDuration
        public var redemptionsAllowed: Int

        public init(name: String, code: String?, expirationWindow: GoDuration, redemptionsAllowed: Int) {
            self.name = name
            self.code = code
            self.expirationWindow = expirationWindow
            self.redemptionsAllowed = redemptionsAllowed
        }
    }

    struct State {
        var byName: [String: GrantRecord] = [:]
        var nameByUID: [String: String] = [:]
        /// Bumped by every counted redemption.
        var version = 0
        /// Grants counted in memory but not yet written.
        var dirty: Set<String> = []
    }

    /// Redemptions waiting for their count to reach the disk.
    struct Commits {
        var durable = 0
        var committing = false
        var waiters: [(version: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    let directory: URL
    private let state: Mutex<State>
    private let commits = Mutex(Commits())
    /// Held while record files are written, so an older snapshot never lands after a newer one.
    private let writing = Mutex(())

    /// Opens the ledger, reading the records persisted in `directory`.
    public init(directory: URL) {
        self.directory = directory
        try? PrivateDirectory.create(directory)
        AtomicFile.removeTemporaries(in: directory)
        var initial = State()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasSuffix(".json") {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(name)),
                let record = try? decoder.decode(GrantRecord.self, from: data)
            else { continue }
            initial.byName[record.name] = record
            initial.nameByUID[record.uid] = record.name
        }
        state = Mutex(initial)
    }

    /// The record of a grant.
    public func record(named name: String) -> GrantRecord? { state.withLock { $0.byName[name] } }

    /// All records.
    public var records: [GrantRecord] { state.withLock { Array($0.byName.values) } }

    /// Makes the ledger hold exactly the desired grants: new ones get a uid, a code (the spec's or a random
    /// one) and an expiration time (set once); changed specs update code and allowance; others are removed.
    @discardableResult
    public func sync(_ desired: [Desired], now: Date = Date()) throws -> [String: GrantRecord] {
        try writing.withLock { _ in
            try state.withLock { state in
                var wanted = Set<String>()
                for grant in desired {
                    wanted.insert(grant.name)
                    var record =
                        state.byName[grant.name]
                        ?? GrantRecord(
                            name: grant.name, uid: UUID().uuidString.lowercased(), code: grant.code ?? GrantCode.generate(),
                            expirationTime: Date(timeIntervalSince1970: (now.timeIntervalSince1970 + grant.expirationWindow.seconds).rounded(.up)),
                            redemptionsAllowed: grant.redemptionsAllowed)
                    if let code = grant.code, code != record.code { record.code = code }
                    record.redemptionsAllowed = grant.redemptionsAllowed
                    if record != state.byName[grant.name] {
                        try persist(record)
                        state.byName[grant.name] = record
                        state.nameByUID[record.uid] = grant.name
                    }
                }
                for (name, record) in state.byName where !wanted.contains(name) {
                    try? FileManager.default.removeItem(at: file(for: name))
                    state.byName[name] = nil
                    state.nameByUID[record.uid] = nil
                }
                return state.byName
            }
        }
    }

    /// Checks a redemption as `redeem` does, without counting it: what `redeem` would answer now.
    public func check(key: String, code: some Collection<UInt8>, now: Date = Date()) -> Result<GrantRecord, RedemptionFailure> {
        state.withLock { Self.evaluate(key: key, code: code, in: $0, now: now) }
    }

    /// Checks a redemption of the grant whose uid is `key` with the presented code, in Skupper v2's order:
    /// unknown or expired (404 No such claim), used up (404 No such access granted), wrong code (403).
    /// A success is counted, and returns once the count is on disk.
    public func redeem(key: String, code: some Collection<UInt8>, now: Date = Date()) async -> Result<GrantRecord, RedemptionFailure> {
        let counted: Result<(GrantRecord, Int), RedemptionFailure> = state.withLock { state in
            switch Self.evaluate(key: key, code: code, in: state, now: now) {
            case .failure(let failure):
                return .failure(failure)
            case .success(var record):
                record.redemptions += 1
                state.byName[record.name] = record
                state.version += 1
                state.dirty.insert(record.name)
                return .success((record, state.version))
            }
        }
        switch counted {
        case .failure(let failure):
            return .failure(failure)
        case .success(let (record, version)):
            // A count that cannot be written stays counted in memory (never given out again) but is not answered.
            return await durable(version) ? .success(record) : .failure(.internalError)
        }
    }

    private static func evaluate(key: String, code: some Collection<UInt8>, in state: State, now: Date) -> Result<GrantRecord, RedemptionFailure> {
        guard let name = state.nameByUID[key], let record = state.byName[name] else { return .failure(.noSuchClaim) }
        if record.isExpired(at: now) { return .failure(.noSuchClaim) }
        if record.isExhausted { return .failure(.exhausted) }
        guard GrantCode.matches(code, record.code) else { return .failure(.refused) }
        return .success(record)
    }

    /// Waits until the counts up to `version` are written; the first waiter writes for all who wait with it.
    private func durable(_ version: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            let lead = commits.withLock { commits in
                if commits.durable >= version {
                    continuation.resume(returning: true)
                    return false
                }
                commits.waiters.append((version, continuation))
                if commits.committing { return false }
                commits.committing = true
                return true
            }
            // The writes and their fsync run on a thread of their own, never on the cooperative pool (where they
            // would hold up the TLS handshakes and the agent); the waiters are resumed from there.
            if lead { Offload.start { self.commitPending() } }
        }
    }

    /// Writes the counted records until no redemption waits.
    private func commitPending() {
        while true {
            let (written, ok) = writing.withLock { _ in
                let (records, version) = state.withLock { state in
                    defer { state.dirty = [] }
                    return (state.dirty.compactMap { state.byName[$0] }, state.version)
                }
                var failed: [String] = []
                for record in records {
                    do { try persist(record) } catch { failed.append(record.name) }
                }
                if !failed.isEmpty { state.withLock { $0.dirty.formUnion(failed) } }
                return (version, failed.isEmpty)
            }
            let (ready, more) = commits.withLock { commits in
                if ok { commits.durable = max(commits.durable, written) }
                let ready = commits.waiters.filter { $0.version <= written }
                commits.waiters.removeAll { $0.version <= written }
                if commits.waiters.isEmpty { commits.committing = false }
                return (ready, !commits.waiters.isEmpty)
            }
            for waiter in ready { waiter.continuation.resume(returning: ok) }
            if !more { return }
        }
    }

    func file(for name: String) -> URL { directory.appendingPathComponent("\(name).json") }

    func persist(_ record: GrantRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(try encoder.encode(record), to: file(for: record.name), mode: 0o600)
    }
}
