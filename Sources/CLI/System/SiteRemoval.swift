import Foundation
import Platforms
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// What `skupper system uninstall --force` does to the namespace's site, as Skupper v2's teardown does: the agent
/// is stopped, the router it ran is removed (unit, container or leftover process), and the namespace's definition
/// (input/ and runtime/) is deleted.
struct SiteRemoval {
    let options: SystemOptions

    var layout: SiteLayout { options.layout }

    /// How long a stopping agent gets to release the namespace's lock.
    static let agentStopTimeout = 30.0

    /// The platform the namespace's router runs on, as far as can be told: the running agent's, else the one
    /// `skupper system install` wrote into the unit's environment file.
    func platform() -> PlatformKind? {
        if let name = AgentInfo.read(layout)?.platform, let kind = try? PlatformKind.parse(name) { return kind }
        let file = AgentUnit.environmentFile(options.systemdScope, namespace: options.namespace)
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("SKUPPER_PLATFORM=") {
            return try? PlatformKind.parse(String(line.dropFirst("SKUPPER_PLATFORM=".count)))
        }
        return nil
    }

    /// Stops the agent: its unit when that is active, then (or else) an agent started by hand, by SIGTERM.
    func stopAgent(unitActive: Bool) throws {
        if unitActive {
            Console.out("Stopping \(options.agentUnit)")
            try options.systemctlChecked(["stop", options.agentUnit])
        }
        guard AgentLock.isHeld(layout) else { return }
        guard let info = AgentInfo.running(layout) else {
            throw CLIError("an agent holds \(layout.agentLock.path) but its pid is unknown (it may be starting): nothing was removed")
        }
        guard kill(info.pid, SIGTERM) == 0 else {
            throw CLIError("cannot signal the agent (pid \(info.pid)): \(String(cString: strerror(errno)))")
        }
        Console.out("Sent SIGTERM to the agent (pid \(info.pid))")
        let deadline = Date().addingTimeInterval(Self.agentStopTimeout)
        while AgentLock.isHeld(layout) {
            guard Date() < deadline else {
                throw CLIError("the agent (pid \(info.pid)) did not stop within \(Int(Self.agentStopTimeout)) seconds: nothing was removed")
            }
            usleep(50_000)
        }
    }

    /// Removes a router container (docker or podman) and a router process a killed agent left behind; best effort:
    /// what cannot be reached is reported and skipped.
    func removeRouter(platform: PlatformKind?) {
        var engines: [ContainerEngineKind] = []
        switch platform {
        case .docker: engines = [.docker]
        case .podman: engines = [.podman]
        default: if RouterContainerRecord.load(layout) != nil { engines = ContainerEngineKind.allCases }
        }
        for engine in engines { removeContainer(engine) }
        stopLeftoverRouterProcess()
    }

    func removeContainer(_ engine: ContainerEngineKind) {
        let name = RouterContainer.containerName(namespace: options.namespace)
        let layout = layout
        do {
            let container = try ContainerPlatform(engine: engine)
            let removed = try BlockingTask.run(timeout: 60) {
                guard try await container.client.containerInspect(name) != nil else { return false }
                try await container.teardown(layout: layout)
                return true
            }
            switch removed {
            case true?: Console.out("Removed the router container \(name) (\(engine.rawValue))")
            case false?: break
            case nil: Console.err("Warning: \(engine.rawValue) did not answer within 60 seconds: the router container \(name) may remain")
            }
        } catch {
            Console.err("Warning: cannot remove the router container \(name) (\(engine.rawValue)): \(error)")
        }
    }

    /// The process platform's router outlives only an agent that was killed; its pid file names it.
    func stopLeftoverRouterProcess() {
        let pidFile = layout.routerDirectory.appendingPathComponent("skrouterd.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
            let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
            String(decoding: command, as: UTF8.self).contains("skrouterd")
        else { return }
        if kill(pid, SIGTERM) == 0 { Console.out("Stopped the router process (pid \(pid))") }
    }

    /// Deletes the namespace's input/ and runtime/ (and its directory when nothing else is left); whether anything was there.
    func removeDefinition() throws -> Bool {
        let fm = FileManager.default
        var removed = false
        for directory in [layout.inputResources.deletingLastPathComponent(), layout.runtime] where fm.fileExists(atPath: directory.path) {
            do { try fm.removeItem(at: directory) } catch {
                throw CLIError("failed to remove site \"\(options.namespace)\": cannot remove \(directory.path): \(FileErrorText.describe(error))")
            }
            removed = true
        }
        if ((try? fm.contentsOfDirectory(atPath: layout.root.path)) ?? ["?"]).isEmpty { try? fm.removeItem(at: layout.root) }
        return removed
    }
}
