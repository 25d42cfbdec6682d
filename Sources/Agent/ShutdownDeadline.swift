import FoundationEssentials
import HostSupport
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Bounds how long a stop takes: once the service group begins shutting down, the process exits after the
/// deadline even if some work (a huge file being parsed, a hung engine call) has not finished. Every file the
/// agent writes is replaced atomically and grant counts are flushed before they are answered, so ending then
/// loses and tears nothing (the kill -9 fault test holds the agent to that).
enum ShutdownDeadline {
    static func arm(after deadline: Duration, notifier: SystemdNotifier, logger: Logger) {
        OSThread.start(name: "shutdown-deadline") {
            var wait = timespec(tv_sec: Int(deadline.components.seconds), tv_nsec: Int(deadline.components.attoseconds / 1_000_000_000))
            var left = timespec()
            while nanosleep(&wait, &left) != 0 && errno == EINTR { wait = left }
            logger.warning("stopping took too long: exiting now", metadata: ["deadline": "\(deadline)"])
            notifier.flush(timeout: 0.1)
            _exit(0)
        }
    }
}
