import Foundation
import Logging
import ServiceLifecycle
import Resources
import UnixSignals

/// Runs a `SiteAgent` as a service: watches the input directory, reloads on SIGHUP, keeps the watchdog fed,
/// and tells the service manager what it is doing (READY, STATUS, RELOADING, STOPPING, WATCHDOG).
public struct AgentService: Service {
    public let agent: SiteAgent
    /// The namespace's lock, held for the agent's life.
    let lock: AgentLock
    let notifier: SystemdNotifier
    let logger: Logger
    /// How long a stop may take before the process exits anyway (every write is atomic, so nothing tears).
    public static let shutdownDeadline = Duration.milliseconds(1800)

    public init(agent: SiteAgent, lock: AgentLock, notifier: SystemdNotifier = SystemdNotifier(), logger: Logger) {
        self.agent = agent
        self.lock = lock
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        // The deadline is armed whenever the stop comes, also while the first scan is still running.
        try await withGracefulShutdownHandler {
            try await serve()
        } onGracefulShutdown: {
            notifier.stopping()
            logger.info("stopping")
            ShutdownDeadline.arm(after: Self.shutdownDeadline, notifier: notifier, logger: logger)
        }
        // STOPPING=1 reaches the service manager before the process exits, unless its socket is stuck.
        notifier.flush(timeout: 1)
    }

    func serve() async throws {
        let layout = agent.options.layout
        try layout.createDirectories()
        // Watch before the first scan so no change made during it is missed.
        let watcher = try DirectoryWatcher(directory: layout.inputResources, quietPeriod: agent.options.debounce)
        let batches = watcher.batches()
        try await agent.start()
        // runtime/agent.yaml names this process (for `skupper system reload|status` outside systemd).
        let info = AgentInfo(namespace: layout.namespace, platform: agent.platform.name)
        do { try info.write(layout) } catch { logger.warning("cannot write \(layout.agentInfo.path): \(error)") }
        defer { info.remove(layout) }
        let summary = await agent.summary()
        notifier.ready(status: summary)
        logger.info("ready", metadata: ["site": "\(summary)", "directory": "\(layout.inputResources.path)"])

        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                // Each batch is read in its own child task, so a huge file being parsed does not hold back the
                // files that come after it (reconciles still run one at a time, and a later read of a file wins).
                try await withThrowingDiscardingTaskGroup { batchGroup in
                    for await batch in batches.cancelOnGracefulShutdown() {
                        if batch.lost { try await self.recover(watcher) }
                        // A stop cancels a read under way: the rest of the stop need not wait for a huge file.
                        batchGroup.addTask { try? await cancelWhenGracefulShutdown { await self.apply(batch) } }
                    }
                }
            }
            group.addTask {
                let hangups = await UnixSignalsSequence(trapping: .sighup)
                for await _ in hangups.cancelOnGracefulShutdown() {
                    await self.reload()
                }
            }
            group.addTask {
                // Time-driven work: token retries, grant and token-request expiry.
                try? await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        if await self.agent.tick() { self.notifier.status(await self.agent.summary()) }
                    }
                }
            }
            if let interval = notifier.watchdogInterval {
                logger.debug("watchdog enabled", metadata: ["interval": "\(interval)"])
                group.addTask {
                    try? await cancelWhenGracefulShutdown {
                        while !Task.isCancelled {
                            // Feeding the watchdog through the actor proves the agent is not stuck.
                            _ = await self.agent.reconcileCount
                            self.notifier.watchdog()
                            try await Task.sleep(for: interval)
                        }
                    }
                }
            }
        }
    }

    func apply(_ batch: DirectoryWatcher.Batch) async {
        do {
            if batch.overflow || batch.lost {
                logger.warning(batch.lost ? "input directory recreated: reading everything again" : "inotify queue overflowed: reading everything again")
                try await agent.rescan(reason: batch.lost ? "directory recreated" : "overflow")
            } else if !batch.names.isEmpty {
                try await agent.filesChanged(batch.names)
            } else {
                return
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("reconcile failed: \(error)")
        }
        notifier.status(await agent.summary())
    }

    /// The input directory was deleted or moved away. With the runtime directory (and the lock) still in place it
    /// is created again and watched, and the input read again; with the namespace directory gone the agent exits
    /// non-zero, so the service manager starts it again on a fresh directory.
    func recover(_ watcher: DirectoryWatcher) async throws {
        let layout = agent.options.layout
        guard lock.isInPlace else {
            logger.critical("the namespace directory was removed or replaced: exiting so the agent starts again on the new one",
                            metadata: ["directory": "\(layout.root.path)"])
            throw NamespaceRemoved(path: layout.root.path)
        }
        logger.warning("the input directory was removed: creating it again", metadata: ["directory": "\(layout.inputResources.path)"])
        try layout.createDirectories()
        try watcher.rewatch()
    }

    func reload() async {
        logger.info("SIGHUP: reloading")
        notifier.reloading()
        do {
            try await agent.rescan(reason: "SIGHUP")
        } catch {
            logger.error("reload failed: \(error)")
        }
        notifier.ready(status: await agent.summary())
    }
}

/// The namespace directory the agent runs was removed or replaced while it ran.
public struct NamespaceRemoved: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var description: String { "the namespace directory \(path) was removed or replaced while the agent ran" }
}
