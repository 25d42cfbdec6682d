import CProton
import Synchronization

/// Ends one `ProtonSession.perform` early from another thread (its caller was cancelled): sets a flag the wait loop
/// reads and wakes the proactor (`pn_proactor_interrupt` is the one proactor call safe from any thread).
final class ProactorInterrupt: Sendable {
    nonisolated(unsafe) private let proactor: OpaquePointer
    private let requested = Atomic<Bool>(false)

    /// The proactor must outlive this value (the session that owns it holds both).
    init(proactor: OpaquePointer) { self.proactor = proactor }

    var isRequested: Bool { requested.load(ordering: .acquiring) }

    func fire() {
        requested.store(true, ordering: .releasing)
        pn_proactor_interrupt(proactor)
    }
}
