import Foundation

/// Async work run to completion from a synchronous command, bounded by a timeout so a command never hangs on it.
enum BlockingTask {
    /// Runs `work` and waits at most `timeout` seconds: its result, its error, or nil when the time ran out (the
    /// work is then cancelled and left behind).
    static func run<T: Sendable>(timeout: Double, _ work: @escaping @Sendable () async throws -> T) throws -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            do { box.set(.success(try await work())) } catch { box.set(.failure(error)) }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else {
            task.cancel()
            return nil
        }
        return try box.get()?.get()
    }

    /// The work's result, handed from the task to the waiting thread.
    final class ResultBox<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<T, any Error>?

        func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
        func get() -> Result<T, any Error>? { lock.withLock { result } }
    }
}
