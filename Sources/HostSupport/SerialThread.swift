import Dispatch
import Synchronization

/// One long-lived thread that runs the work given to it in order: for a library whose calls must stay on one
/// thread and block there (a Proton proactor), instead of a thread or a pool thread per call.
public final class SerialThread: Sendable {
    private let queue: Queue

    /// Starts the thread; it ends once `stop` is called and its queue is drained (or when this value is released).
    public init(name: String) {
        let queue = Queue()
        self.queue = queue
        OSThread.start(name: name) { queue.drain() }
    }

    deinit { queue.stop() }

    /// Runs `work` on the thread after what was given before, and waits for it without blocking the caller's
    /// thread. A cancelled caller still waits for the work (`onCancel` is called, from any thread, to end it early).
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T, onCancel: @escaping @Sendable () -> Void = {}) async -> T {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.add { continuation.resume(returning: work()) }
            }
        } onCancel: {
            onCancel()
        }
    }

    /// Ends the thread once what was given to it has run.
    public func stop() { queue.stop() }

    /// The work waiting for the thread, and whether it must end.
    final class Queue: Sendable {
        private let state = Mutex<(jobs: [@Sendable () -> Void], stopped: Bool)>(([], false))
        private let available = DispatchSemaphore(value: 0)

        func add(_ job: @escaping @Sendable () -> Void) {
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.jobs.append(job)
                return true
            }
            // A stopped thread runs nothing more: the job runs where it was given, so no caller waits forever.
            if accepted { available.signal() } else { job() }
        }

        func stop() {
            state.withLock { $0.stopped = true }
            available.signal()
        }

        /// Runs jobs as they come until stopped and drained (the thread's body).
        func drain() {
            while true {
                available.wait()
                let next = state.withLock { state -> (job: (@Sendable () -> Void)?, done: Bool) in
                    if state.jobs.isEmpty { return (nil, state.stopped) }
                    return (state.jobs.removeFirst(), false)
                }
                if let job = next.job { job() } else if next.done { return }
            }
        }
    }
}
