import FoundationEssentials
import Grants
import Logging
import Platforms
import Resources
import RouterManagement
import ServiceLifecycle
import SiteFiles
import UnixSignals

/// The agent as a service: one loop over one stream of events (files changed, SIGHUP, ticks, the watchdog,
/// redemptions, token outcomes, router checks), each handled by the `SiteAgent` in turn; the event sources and
/// the work the agent asks for run as child tasks of the loop. Tells the service manager what it is doing
/// (READY, STATUS, RELOADING, STOPPING, WATCHDOG).
public struct AgentService: Service {
    public let options: AgentOptions
    let platform: any RouterPlatform
    let grantServer: GrantServer
    let ledger: GrantLedger
    /// The namespace's lock, held for the agent's life.
    let lock: AgentLock
    let notifier: SystemdNotifier
    /// Ready from the first reconcile until the agent stops (`/healthz`).
    public let health: AgentHealth
    let logger: Logger
    /// How long a stop may take before the process exits anyway (every write is atomic, so nothing tears).
    public static let shutdownDeadline = Duration.milliseconds(1800)

    /// - Parameter grantServer: the grant server, run by the same service group; the agent tells it when to listen.
    public init(
        options: AgentOptions, platform: any RouterPlatform, grantServer: GrantServer, ledger: GrantLedger, lock: AgentLock,
        notifier: SystemdNotifier = SystemdNotifier(), health: AgentHealth = AgentHealth(), logger: Logger
    ) {
        self.options = options
        self.platform = platform
        self.grantServer = grantServer
        self.ledger = ledger
        self.lock = lock
        self.notifier = notifier
        self.health = health
        self.logger = logger
    }

    /// The grant server and its ledger for a namespace, to run beside the agent.
    public static func grantServer(_ options: AgentOptions, logger: Logger) -> (GrantServer, GrantLedger) {
        let ledger = AccessController.ledger(options.layout)
        let grants = options.grantServer
        var limits = GrantServer.Limits()
        limits.connections = grants.connections
        return (GrantServer(host: grants.bindHost, port: grants.port, portSearch: grants.portSearch, ledger: ledger, limits: limits, logger: logger), ledger)
    }

    public func run() async throws {
        // The deadline is armed whenever the stop comes, also while the first read is still running.
        // A router that lives only as long as the agent stops with it, however the agent ends.
        try await withGracefulShutdownHandler {
            let served: Result<Void, any Error>
            do { served = .success(try await serve()) } catch { served = .failure(error) }
            health.set(ready: false)
            await platform.agentStopping(layout: options.layout)
            // Proton and OpenSSL must be done on the connections' threads before the process exits.
            if !(await ManagementClient.waitForClosedConnections(timeout: .seconds(1))) {
                logger.warning("a router management connection did not close in time")
            }
            try served.get()
        } onGracefulShutdown: {
            health.set(ready: false)
            notifier.stopping()
            logger.info("stopping")
            ShutdownDeadline.arm(after: Self.shutdownDeadline, notifier: notifier, logger: logger)
        }
        // STOPPING=1 reaches the service manager before the process exits, unless its socket is stuck.
        notifier.flush(timeout: 1)
    }

    func serve() async throws {
        let layout = options.layout
        try layout.createDirectories()
        try NamespaceTakeover.run(layout, logger: logger)
        // Watch before the first read so no change made during it is missed.
        let watcher = try DirectoryWatcher(directory: layout.inputResources, quietPeriod: options.debounce)
        // A certificate directory's three files come one after another: each burst waits its whole quiet period.
        let credentialWatchers = try [layout.inputCertificates, layout.inputIssuers].map {
            try DirectoryWatcher(directory: $0, quietPeriod: max(options.debounce, .milliseconds(200)), subdirectories: true)
        }
        let agent = SiteAgent(options: options, platform: platform, grantServer: grantServer, ledger: ledger, logger: logger)
        let (events, sink) = AsyncStream.makeStream(of: AgentEvent.self)
        var info = AgentInfo(namespace: layout.namespace, platform: platform.kind.rawValue)
        defer { info.remove(layout) }

        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                do { try await watch(watcher, into: sink) } catch {
                    // Ends the loop, so the group ends with the error.
                    sink.finish()
                    throw error
                }
            }
            for credentials in credentialWatchers {
                group.addTask { await watchCredentials(credentials, into: sink) }
            }
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) { sink.yield(.hangup) }
            }
            group.addTask { await every(.seconds(1)) { sink.yield(.tick(Date())) } }
            if let interval = notifier.watchdogInterval {
                logger.debug("watchdog enabled", metadata: ["interval": "\(interval)"])
                // Answered by the loop itself: a loop stuck on one event is not fed.
                group.addTask { await every(interval, first: true) { sink.yield(.watchdog) } }
            }
            group.addTask {
                for await grant in grantServer.redemptions { sink.yield(.grantRedeemed(grant)) }
            }
            sink.yield(.start)
            var announcedReady = false
            for await event in events.cancelOnGracefulShutdown() {
                let reaction: Reaction
                do {
                    reaction = try await agent.handle(event)
                } catch {
                    // Without its directories the agent cannot run at all; any later failure is one change's.
                    if case .start = event { throw error }
                    agent.failed(event, error)
                    notifier.status(agent.summary())
                    continue
                }
                for work in reaction.work {
                    // A stop cancels work under way (a read of a huge file, a redemption): nothing waits for it.
                    group.addTask { if let next = await work() { sink.yield(next) } }
                }
                switch reaction.announcement {
                case .ready where !announcedReady:
                    announcedReady = true
                    // runtime/agent.yaml names this process (for `skupper system reload|status` outside systemd).
                    info.console = options.console?.url
                    do { try info.write(layout) } catch {
                        logger.warning("cannot write the agent info file", metadata: ["path": "\(layout.agentInfo.path)", "error": "\(error)"])
                    }
                    let summary = agent.summary()
                    notifier.ready(status: summary)
                    health.set(ready: true)
                    logger.info("ready", metadata: ["site": "\(summary)", "directory": "\(layout.inputResources.path)"])
                case .ready:
                    notifier.ready(status: agent.summary())
                case .reloading:
                    notifier.reloading()
                case .alive:
                    notifier.watchdog()
                case nil:
                    if agent.started, agent.readyWaitsSince == nil, event.changesSummary { notifier.status(agent.summary()) }
                }
            }
            sink.finish()
            group.cancelAll()
            agent.stopped()
        }
    }

    /// Turns the watcher's batches into events. A lost input directory is created again and watched (while the
    /// namespace's lock is still in place); with the namespace directory gone the agent exits non-zero, so the
    /// service manager starts it again on a fresh directory.
    func watch(_ watcher: DirectoryWatcher, into sink: AsyncStream<AgentEvent>.Continuation) async throws {
        let layout = options.layout
        for await batch in watcher.batches() {
            if batch.lost {
                guard lock.isInPlace else {
                    logger.critical(
                        "the namespace directory was removed or replaced: exiting so the agent starts again on the new one",
                        metadata: ["directory": "\(layout.root.path)"])
                    throw NamespaceRemoved(path: layout.root.path)
                }
                logger.warning("the input directory was removed: creating it again", metadata: ["directory": "\(layout.inputResources.path)"])
                try layout.createDirectories()
                try watcher.rewatch()
                sink.yield(.rescan(reason: "directory recreated"))
            } else if batch.overflow {
                logger.warning("inotify queue overflowed: reading everything again")
                sink.yield(.rescan(reason: "overflow"))
            } else if !batch.names.isEmpty {
                sink.yield(.filesChanged(batch.names))
            }
        }
    }
}

extension AgentService {
    /// Turns a certificate directory's batches into events; a lost directory is created again and watched.
    func watchCredentials(_ watcher: DirectoryWatcher, into sink: AsyncStream<AgentEvent>.Continuation) async {
        for await batch in watcher.batches() {
            if batch.lost {
                do {
                    try options.layout.createDirectories()
                    try watcher.rewatch()
                } catch {
                    logger.warning("cannot watch the certificate directory again", metadata: ["directory": "\(watcher.directory.path)", "error": "\(error)"])
                }
            }
            if !batch.names.isEmpty || batch.lost || batch.overflow { sink.yield(.credentialsChanged(batch.names)) }
        }
    }
}

/// Calls `body` every `interval` until the task is cancelled (`first`: once at once, too).
private func every(_ interval: Duration, first: Bool = false, _ body: () -> Void) async {
    if first { body() }
    while (try? await Task.sleep(for: interval)) != nil { body() }
}

extension AgentEvent {
    /// The event's name, for logs.
    var name: String {
        switch self {
        case .start: "start"
        case .filesChanged: "files changed"
        case .credentialsChanged: "certificate files changed"
        case .rescan: "rescan"
        case .hangup: "SIGHUP"
        case .parsed: "input read"
        case .tick: "tick"
        case .watchdog: "watchdog"
        case .platformApplied: "router applied"
        case .platformObserved: "router checked"
        case .routerManaged: "router asked"
        case .grantRedeemed: "grant redeemed"
        case .tokenRedeemed: "token redeemed"
        case .statusesWritten: "statuses written"
        case .routerConfigWritten: "router configuration written"
        }
    }

    /// Whether handling it may change the one-line summary (STATUS=).
    var changesSummary: Bool {
        switch self {
        case .parsed, .credentialsChanged, .tick, .platformApplied, .platformObserved, .routerManaged, .tokenRedeemed: true
        default: false
        }
    }
}

/// The namespace directory the agent runs was removed or replaced while it ran.
public struct NamespaceRemoved: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var description: String { "the namespace directory \(path) was removed or replaced while the agent ran" }
}

extension AgentService: CustomStringConvertible {
    /// The service's name (skupperd gives it to service-lifecycle for its logs): its namespace directory, where Swift's
    /// default description would walk the whole value (options, layout, platform, ledger) by reflection.
    public var description: String { "AgentService(\(options.layout.root.path))" }
}
