import CProton
import Dispatch
import HostSupport
import Synchronization

/// The one long-lived thread a management connection runs on: it runs the calls given to it in order and, when the
/// connection follows flow records, serves the connection's events between calls (a new call wakes it through the
/// proactor). The session is touched on this thread only, and freed on it when the thread ends.
final class ConnectionThread: Sendable {
    private struct State {
        var jobs: [@Sendable (ProtonSession) -> Void] = []
        var stopped = false
        /// The thread ended and freed the session (and its proactor): nothing may wake it any more.
        var exited = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    nonisolated(unsafe) private let proactor: OpaquePointer
    /// Whether the thread serves the connection's events between calls (it follows flow records).
    private let pumps: Bool

    /// How many connection threads have not ended yet, process-wide: the process must not exit before they free
    /// their sessions (OpenSSL's exit-time cleanup under a thread still in Proton crashes it).
    private static let running = Atomic<Int>(0)

    init(name: String, session: ProtonSession, pumps: Bool) {
        proactor = session.proactor
        self.pumps = pumps
        nonisolated(unsafe) let session = session
        Self.running.add(1, ordering: .sequentiallyConsistent)
        OSThread.start(name: name) { [self] in
            self.serve(session)
            Self.running.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// Waits (at most `timeout`) until every stopped connection thread has ended; true if none is left.
    static func waitForStoppedThreads(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while running.load(ordering: .sequentiallyConsistent) > 0 {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Runs `work` on the thread after what was given before, and waits for it without blocking the caller's
    /// thread; nil once the thread was stopped. A cancelled caller still waits for the work (`onCancel` is called,
    /// from any thread, to end it early).
    func run<T: Sendable>(_ work: @escaping @Sendable (ProtonSession) -> T, onCancel: @escaping @Sendable () -> Void = {}) async -> T? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                let accepted = state.withLock { state -> Bool in
                    guard !state.stopped else { return false }
                    state.jobs.append { continuation.resume(returning: work($0)) }
                    wakeLocked(state)
                    return true
                }
                if !accepted { continuation.resume(returning: nil) }
            }
        } onCancel: {
            onCancel()
        }
    }

    /// Wakes the thread (from any thread): commands for the connection, or a new call.
    func wake() {
        state.withLock { wakeLocked($0) }
    }

    /// Wakes the proactor (from any thread) while the thread lives: a call's interrupt.
    func interrupt() {
        state.withLock { state in
            if !state.exited { pn_proactor_interrupt(proactor) }
        }
    }

    private func wakeLocked(_ state: State) {
        guard !state.exited else { return }
        if pumps { pn_proactor_interrupt(proactor) }
        // A pumping thread also waits on it while it gathers flow messages.
        available.signal()
    }

    /// Ends the thread once what was given to it has run.
    func stop() {
        state.withLock { state in
            state.stopped = true
            wakeLocked(state)
        }
    }

    private func serve(_ session: ProtonSession) {
        var session: ProtonSession? = session
        while let current = session {
            let (jobs, stopped) = state.withLock { state -> ([@Sendable (ProtonSession) -> Void], Bool) in
                let jobs = state.jobs
                state.jobs = []
                if jobs.isEmpty, state.stopped { state.exited = true }
                return (jobs, state.stopped)
            }
            if !jobs.isEmpty {
                for job in jobs { job(current) }
                continue
            }
            if stopped {
                session = nil
                break
            }
            if !pumps {
                available.wait()
            } else if current.pump(maximumWait: .seconds(1)) {
                gather()
            }
        }
    }

    /// Each router of the network sends its records and heartbeats a few times a second, each on its own timer:
    /// after flow messages the thread waits `gathering` (unless a call comes) so the next ones are taken in one
    /// wake-up, not one each.
    private func gather() {
        while available.wait(timeout: .now()) == .success {}
        guard state.withLock({ $0.jobs.isEmpty && !$0.stopped }) else { return }
        _ = available.wait(timeout: .now() + .milliseconds(Self.gathering))
    }

    /// How long flow messages are gathered, in milliseconds: what a record's news may be delayed by.
    static let gathering = 100
}
