internal import CGlibcGNU

#if canImport(Glibc)
    import Glibc
#endif

/// A detached POSIX thread running a closure: what the agent's blocking work, inotify reader and sd_notify sender run
/// on (Foundation's `Thread` is all it used of Foundation there, and Foundation is not in the agent).
public enum OSThread {
    /// Starts `body` on a new detached thread named `name` (the kernel keeps 15 bytes of it: `ps -L`, `top -H`).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        final class Start: @unchecked Sendable {
            let name: String
            let body: @Sendable () -> Void
            init(name: String, body: @escaping @Sendable () -> Void) {
                self.name = name
                self.body = body
            }
        }
        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let created = pthread_create(
            &thread, &attributes,
            { context in
                let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
                _ = String(decoding: start.name.utf8.prefix(15), as: UTF8.self).withCString { pthread_setname_np(pthread_self(), $0) }
                start.body()
                return nil
            }, start)
        // Out of threads (EAGAIN): as Foundation's Thread did, the agent cannot go on without the work.
        if created != 0 { fatalError("cannot start the \(name) thread: \(String(cString: strerror(created)))") }
    }
}
