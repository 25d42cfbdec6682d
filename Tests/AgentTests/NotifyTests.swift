import Foundation
import Resources
import Testing
import TestSupport

@Suite("sd_notify over a real socket", .serialized)
struct NotifyTests {
    @Test func readyStatusReloadingWatchdogStopping() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let socket = try NotifySocket()
        let agent = try AgentProcess(site: site, environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        var seen: [String] = []

        let ready = try #require(socket.waitFor(timeout: 20, seen: &seen) { $0.contains("READY=1") }, "no READY=1; log:\n\(agent.log)")
        #expect(ready.contains("STATUS=Site west"))
        // The first reconcile is done before READY=1.
        #expect(site.status(.site, "west")?.status.phase == .ready)
        #expect(site.routerConfig != nil)

        #expect(socket.waitFor(timeout: 5, seen: &seen) { $0 == "WATCHDOG=1" } != nil, "no WATCHDOG=1 at half of WATCHDOG_USEC")

        try site.write("listener.yaml", Fixtures.listener("backend", port: 8080))
        let status = socket.waitFor(timeout: 10, seen: &seen) { $0.hasPrefix("STATUS=") && $0.contains("1 listener") }
        #expect(status != nil, "no STATUS= update after a change: \(seen)")

        agent.signal(SIGHUP)
        let reloading = socket.waitFor(timeout: 10, seen: &seen) { $0.contains("RELOADING=1") }
        #expect(reloading?.contains("MONOTONIC_USEC=") == true)
        #expect(socket.waitFor(timeout: 10, seen: &seen) { $0.contains("READY=1") } != nil, "no READY=1 after reload")

        agent.signal(SIGTERM)
        #expect(socket.waitFor(timeout: 10, seen: &seen) { $0.contains("STOPPING=1") } != nil)
        #expect(agent.stop() == 0, "log:\n\(agent.log)")
        // Order: READY before RELOADING before the second READY before STOPPING.
        let order = seen.compactMap { message -> String? in
            ["READY=1", "RELOADING=1", "STOPPING=1"].first { message.contains($0) }
        }
        #expect(order == ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"])
    }

    @Test func runsSilentlyWithoutNotifySocket() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.site, "west")?.status.phase == .ready }, "log:\n\(agent.log)")
        #expect(agent.stop() == 0)
    }

    @Test func unreachableNotifySocketDoesNotStopTheAgent() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let agent = try AgentProcess(site: site, environment: ["NOTIFY_SOCKET": "/tmp/no-such-notify-\(UUID().uuidString.prefix(6)).sock"])
        #expect(site.eventually { site.status(.site, "west")?.status.phase == .ready }, "log:\n\(agent.log)")
        try site.write("listener.yaml", Fixtures.listener("backend", port: 8080))
        #expect(site.eventually { site.status(.listener, "backend") != nil })
        #expect(agent.process.isRunning)
        #expect(agent.stop() == 0)
    }
}
