import Dispatch
import FoundationEssentials
import Synchronization

/// Runs blocking work (reading and parsing input files, flushing files to disk) on threads of its own, off the
/// cooperative pool and Dispatch's global queues: signal handlers, new files and the watchdog are served meanwhile,
/// even on a machine with one or two cores. A cancelled caller of `run` stops waiting at once (the work's result is
/// then dropped); `runToEnd` waits for work that must end before its caller does.
public enum Offload {
    /// Runs `work` on a new thread and waits for its result without blocking a cooperative thread.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let waiting = Mutex<CheckedContinuation<T, any Error>?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.withLock { $0 = continuation }
                if Task.isCancelled { waiting.withLock { $0.take() }?.resume(throwing: CancellationError()) }
                OSThread.start(name: "offload") {
                    let result = work()
                    waiting.withLock { $0.take() }?.resume(returning: result)
                }
            }
        } onCancel: {
            waiting.withLock { $0.take() }?.resume(throwing: CancellationError())
        }
    }

    /// Runs `work` on a new thread and waits for it to end, even when the caller is cancelled: then `onCancel` is
    /// called (from any thread) to make the work end early. For work that must not outlive its caller: a C library
    /// call that the process's exit would tear down under it (OpenSSL's cleanup), a child process being stopped.
    public static func runToEnd<T: Sendable>(_ work: @escaping @Sendable () -> T, onCancel: @escaping @Sendable () -> Void = {}) async -> T {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                OSThread.start(name: "offload") { continuation.resume(returning: work()) }
            }
        } onCancel: {
            onCancel()
        }
    }

    /// Starts `work` on a thread of its own and returns at once: for work whose completion its callers await by
    /// other means (a continuation the work resumes).
    public static func start(name: String, _ work: @escaping @Sendable () -> Void) {
        OSThread.start(name: name, work)
    }

    /// The results of `body` for every index in `0..<count`, computed on one thread per core (the caller's among
    /// them). For use on an offloaded thread, never on the cooperative pool.
    public static func map<T: Sendable>(_ count: Int, width: Int = ProcessInfo.processInfo.activeProcessorCount,
                                 _ body: @escaping @Sendable (Int) -> T) -> [T?] {
        let shared = Shared<T>(count: count)
        let work: @Sendable () -> Void = {
            while case let index = shared.nextIndex(), index < count { shared.store(body(index), at: index) }
        }
        let helpers = max(0, min(width, count) - 1)
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<helpers {
            OSThread.start(name: "offload-map") { work(); done.signal() }
        }
        work()
        for _ in 0..<helpers { done.wait() }
        return shared.results
    }

    /// The results of `body` for every index in `0..<count`: in order on this thread for fewer than `parallelFrom`
    /// (a change's few), else as `map` computes them, on one thread per core (a cold start's thousands).
    public static func map<T: Sendable>(_ count: Int, parallelFrom threshold: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        if count < threshold { return (0..<count).map(body) }
        return map(count, body).map { $0! }
    }

    /// Work started at once on a thread of its own, its result taken later (`wait`), so that it runs beside what its
    /// owner does meanwhile: a restart reads the status files an earlier run left while the input is parsed and
    /// planned. The work ends on its own: an owner that never waits lets it end untaken (it must only read).
    public final class Pending<T: Sendable>: Sendable {
        private let result = Mutex<T?>(nil)
        private let done = DispatchSemaphore(value: 0)

        public init(name: String, _ work: @escaping @Sendable () -> T) {
            Offload.start(name: name) { [self] in
                let value = work()
                result.withLock { $0 = value }
                done.signal()
            }
        }

        /// The work's result, blocking this thread until the work ended (at once after the first time).
        public func wait() -> T {
            done.wait()
            done.signal()
            return result.withLock { $0! }
        }
    }

    /// What the threads of one `map` share: the next index to take and the results so far.
    final class Shared<T: Sendable>: Sendable {
        private let next = Atomic<Int>(0)
        private let slots: Mutex<[T?]>

        init(count: Int) { slots = Mutex([T?](repeating: nil, count: count)) }

        func nextIndex() -> Int { next.add(1, ordering: .relaxed).oldValue }
        func store(_ value: T, at index: Int) { slots.withLock { $0[index] = value } }
        var results: [T?] { slots.withLock { $0 } }
    }
}
