import Synchronization

/// Ends one `ProtonSession.perform` early from another thread (its caller was cancelled): sets a flag the wait loop
/// reads and wakes the connection's thread (through its proactor, `pn_proactor_interrupt` being the one proactor
/// call safe from any thread, and only while the thread lives).
final class ProactorInterrupt: Sendable {
    private let wake: @Sendable () -> Void
    private let requested = Atomic<Bool>(false)

    init(wake: @escaping @Sendable () -> Void) { self.wake = wake }

    var isRequested: Bool { requested.load(ordering: .acquiring) }

    func fire() {
        requested.store(true, ordering: .releasing)
        wake()
    }
}
