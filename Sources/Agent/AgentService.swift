import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a `SiteAgent` as a service: watches the input directory, reloads on SIGHUP, keeps the watchdog fed,
/// and tells the service manager what it is doing (READY, STATUS, RELOADING, STOPPING, WATCHDOG).
public struct AgentService: Service {
    public let agent: SiteAgent
    let notifier: SystemdNotifier
    let logger: Logger

    public init(agent: SiteAgent, notifier: SystemdNotifier = SystemdNotifier(), logger: Logger) {
        self.agent = agent
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
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

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    for await batch in batches.cancelOnGracefulShutdown() {
                        await self.apply(batch)
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
        } onGracefulShutdown: {
            notifier.stopping()
            logger.info("stopping")
        }
        // STOPPING=1 reaches the service manager before the process exits, unless its socket is stuck.
        notifier.flush(timeout: 1)
    }

    func apply(_ batch: DirectoryWatcher.Batch) async {
        do {
            if batch.overflow {
                logger.warning("inotify queue overflowed or the directory moved: reading everything again")
                try await agent.rescan(reason: "overflow")
            } else if !batch.names.isEmpty {
                try await agent.filesChanged(batch.names)
            } else {
                return
            }
        } catch {
            logger.error("reconcile failed: \(error)")
        }
        notifier.status(await agent.summary())
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
