import FoundationEssentials
import NIOPosix

/// The process's one pool of threads for blocking work (file I/O, parsing, child processes): swift-nio's
/// `NIOThreadPool`, sized for the machine, so a burst of changes queues work instead of starting a thread each.
public enum BlockingPool {
    /// Threads in the pool: two per core, at least four (a child process waiting on its deadline holds one).
    public static let size = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: size)
        pool.start()
        return pool
    }()

    /// Runs `work` on a thread of the pool when one is free.
    public static func submit(_ work: @escaping @Sendable () -> Void) {
        // The pool lives as long as the process: it is never shut down, so every item runs.
        pool.submit { _ in work() }
    }
}
