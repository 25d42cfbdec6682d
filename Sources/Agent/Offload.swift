import Dispatch
import Synchronization

/// Runs blocking work (reading and parsing input files) on a Dispatch thread, off the agent's actor and the
/// cooperative pool, so the agent keeps serving signals, new files and the watchdog meanwhile. A cancelled caller
/// (SIGTERM) stops waiting at once; the work's result is then dropped.
enum Offload {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let waiting = Mutex<CheckedContinuation<T, any Error>?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.withLock { $0 = continuation }
                if Task.isCancelled { waiting.withLock { $0.take() }?.resume(throwing: CancellationError()) }
                DispatchQueue.global().async {
                    let result = work()
                    waiting.withLock { $0.take() }?.resume(returning: result)
                }
            }
        } onCancel: {
            waiting.withLock { $0.take() }?.resume(throwing: CancellationError())
        }
    }
}
