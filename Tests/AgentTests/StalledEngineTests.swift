import Foundation
import Resources
import TestSupport
import Testing

/// An engine that stops answering while the agent runs the router on it: the loop goes on (the watchdog, changes,
/// statuses, a stop) while the platform's request waits.
@Suite("A stalled container engine", .serialized)
struct StalledEngineTests {
    @Test(arguments: ["/images/create", "/containers/create"])
    func theLoopGoesOnWhileTheEngineStalls(stalling path: String) throws {
        // For a stalled container create the image is there, so no pull comes first.
        let engine = try StallingEngine(stall: path, seconds: 60, imagePresent: path == "/containers/create")
        defer { engine.stop() }
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let socket = try NotifySocket()
        let agent = try AgentProcess(
            site: site, arguments: ["--platform", "docker", "--container-socket", engine.socketPath],
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "5000000"])
        defer { agent.stop() }
        var seen: [String] = []
        #expect(socket.waitFor(timeout: 10, seen: &seen) { $0.contains("READY=1") } != nil, "no READY=1 while the engine stalls: \(seen)\n\(agent.log)")
        #expect(site.eventually { engine.requests.contains { $0.contains(path) } }, "the stall never began: \(engine.requests)")

        // The watchdog keeps being fed through the stall.
        var watchdogs: [Date] = [Date()]
        let watchUntil = Date().addingTimeInterval(12)
        while Date() < watchUntil {
            if socket.waitFor(timeout: watchUntil.timeIntervalSinceNow, seen: &seen, { $0 == "WATCHDOG=1" }) != nil { watchdogs.append(Date()) }
        }
        let gaps = zip(watchdogs.dropFirst(), watchdogs).map { $0.timeIntervalSince($1) }
        #expect(watchdogs.count >= 4 && (gaps.max() ?? 99) <= 5, "WATCHDOG=1 gaps \(gaps)")

        // A Listener dropped meanwhile has its status at once.
        let dropped = Date()
        try site.write("listener.yaml", ResourceYAML.listener("backend", port: 8080))
        #expect(site.eventually(timeout: 5) { site.status(.listener, "backend") != nil })
        let statusAfter = Date().timeIntervalSince(dropped)
        #expect(statusAfter <= 2, "the Listener's status came \(statusAfter) s after its file")
        // The Site says the router is being started, not that it is ready.
        #expect(site.status(.site, "west")?.status.phase == .pending, "\(String(describing: site.status(.site, "west")))")

        // A stop during the stall ends the agent at once.
        let stopping = Date()
        agent.signal(SIGTERM)
        let status = agent.stop(timeout: 15)
        let stopTook = Date().timeIntervalSince(stopping)
        #expect(stopTook <= 10, "SIGTERM took \(stopTook) s")
        #expect(status == 0, "\(agent.log)")
        print(
            "stalled \(path): watchdog gaps max \(String(format: "%.2f", gaps.max() ?? 0)) s, listener status after \(String(format: "%.2f", statusAfter)) s, stop \(String(format: "%.2f", stopTook)) s"
        )
    }
}
