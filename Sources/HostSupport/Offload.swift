import Dispatch
import FoundationEssentials
import Synchronization

/// Runs blocking work (reading and parsing input files, flushing files to disk, child processes) on the
/// `BlockingPool`, off the cooperative pool and Dispatch's global queues: signal handlers, new files and the watchdog
/// are served meanwhile, even on a machine with one or two cores, and a burst of work queues for the pool's threads
/// instead of starting one each. A cancelled caller of `run` stops waiting at once (the work's result is then
/// dropped); `runToEnd` waits for work that must end before its caller does.
public enum Offload {
    /// Runs `work` on the pool and waits for its result without blocking a cooperative thread.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let waiting = Mutex<CheckedContinuation<T, any Error>?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.withLock { $0 = continuation }
                if Task.isCancelled { waiting.withLock { $0.take() }?.resume(throwing: CancellationError()) }
                BlockingPool.submit {
                    // A caller gone already does not need the work done.
                    guard waiting.withLock({ $0 != nil }) else { return }
                    let result = work()
                    waiting.withLock { $0.take() }?.resume(returning: result)
                }
            }
        } onCancel: {
            waiting.withLock { $0.take() }?.resume(throwing: CancellationError())
        }
    }

    /// Runs `work` on the pool and waits for it to end, even when the caller is cancelled: then `onCancel` is
    /// called (from any thread) to make the work end early. For work that must not outlive its caller: a C library
    /// call that the process's exit would tear down under it (OpenSSL's cleanup), a child process being stopped.
    public static func runToEnd<T: Sendable>(_ work: @escaping @Sendable () -> T, onCancel: @escaping @Sendable () -> Void = {}) async -> T {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                BlockingPool.submit { continuation.resume(returning: work()) }
            }
        } onCancel: {
            onCancel()
        }
    }

    /// Starts `work` on the pool and returns at once: for work whose completion its callers await by other means
    /// (a continuation the work resumes).
    public static func start(_ work: @escaping @Sendable () -> Void) {
        BlockingPool.submit(work)
    }

    /// The results of `body` for every index in `0..<count`, computed by the caller's thread and up to `width - 1`
    /// of the pool's: the caller takes indices too and waits only for those a pool thread took, so a map on a pool
    /// thread never waits for threads the pool cannot give it.
    public static func map<T: Sendable>(
        _ count: Int, width: Int = ProcessInfo.processInfo.activeProcessorCount,
        _ body: @escaping @Sendable (Int) -> T
    ) -> [T?] {
        let shared = Shared<T>(count: count)
        let helpers = max(0, min(width, count) - 1)
        for _ in 0..<helpers {
            BlockingPool.submit { shared.work(body, helper: true) }
        }
        shared.work(body, helper: false)
        shared.waitForHelpers()
        return shared.results
    }

    /// The results of `body` for every index in `0..<count`: in order on this thread for fewer than `parallelFrom`
    /// (a change's few), else as `map` computes them, on one thread per core (a cold start's thousands).
    public static func map<T: Sendable>(_ count: Int, parallelFrom threshold: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        if count < threshold { return (0..<count).map(body) }
        return map(count, body).map { $0! }
    }

    /// Work started at once on the pool, its result taken later (`wait`), so that it runs beside what its
    /// owner does meanwhile: a restart reads the status files an earlier run left while the input is parsed and
    /// planned. The work ends on its own: an owner that never waits lets it end untaken (it must only read).
    public final class Pending<T: Sendable>: Sendable {
        private let result = Mutex<T?>(nil)
        private let done = DispatchSemaphore(value: 0)

        public init(_ work: @escaping @Sendable () -> T) {
            Offload.start { [self] in
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

    /// What the threads of one `map` share: the next index to take, the results so far, and the indices pool threads
    /// took and have not finished.
    final class Shared<T: Sendable>: Sendable {
        private let count: Int
        private let next = Atomic<Int>(0)
        private let slots: Mutex<[T?]>
        private let helping = Atomic<Int>(0)
        private let finished = DispatchSemaphore(value: 0)

        init(count: Int) {
            self.count = count
            slots = Mutex([T?](repeating: nil, count: count))
        }

        /// Takes indices until none is left.
        func work(_ body: (Int) -> T, helper: Bool) {
            while true {
                if helper { helping.add(1, ordering: .acquiringAndReleasing) }
                let index = next.add(1, ordering: .acquiringAndReleasing).oldValue
                guard index < count else {
                    if helper, helping.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { finished.signal() }
                    return
                }
                let value = body(index)
                slots.withLock { $0[index] = value }
                if helper, helping.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { finished.signal() }
            }
        }

        /// Waits until no pool thread holds an index (every index is taken when the caller asks).
        func waitForHelpers() {
            while helping.load(ordering: .acquiring) > 0 { finished.wait() }
        }

        var results: [T?] { slots.withLock { $0 } }
    }
}
