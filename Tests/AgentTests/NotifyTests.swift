import Foundation
import Resources
import TestSupport
import Testing

@Suite("sd_notify over a real socket", .serialized)
struct NotifyTests {
    /// STATUS= (systemctl status) says why the router failed, in one line.
    @Test func aFailedRouterSaysWhyInStatus() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let socket = try NotifySocket()
        let agent = try AgentProcess(
            site: site, arguments: ["--platform", "process", "--router-path", "/nonexistent/skrouterd", "--platform-check-interval", "0.2"],
            environment: ["NOTIFY_SOCKET": socket.path])
        defer { agent.stop() }
        var seen: [String] = []
        let expected =
            "STATUS=Site west, router failed (cannot start /nonexistent/skrouterd: No such file or directory; started again with a backoff (1 s doubling to 60 s))"
        let status = socket.waitFor(timeout: 10, seen: &seen) { $0.contains("STATUS=") }
        #expect(status?.split(separator: "\n").last.map(String.init) == expected, "\(seen)\nlog:\n\(agent.log)")
        // The same failure again is not a new status.
        #expect(socket.waitFor(timeout: 1.5, seen: &seen) { $0.contains("STATUS=") } == nil, "\(seen)")
    }

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

        try site.write("listener.yaml", ResourceYAML.listener("backend", port: 8080))
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
        try site.write("listener.yaml", ResourceYAML.listener("backend", port: 8080))
        #expect(site.eventually { site.status(.listener, "backend") != nil })
        #expect(agent.process.isRunning)
        #expect(agent.stop() == 0)
    }

    /// A service manager that stops reading its socket (its queue fills up, so sd_notify's send would block) must
    /// not stall the agent: changes are still applied and SIGTERM still stops it.
    @Test func stalledNotifySocketDoesNotStallTheAgent() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let socket = try NotifySocket()
        let agent = try AgentProcess(site: site, environment: ["NOTIFY_SOCKET": socket.path])
        var seen: [String] = []
        #expect(socket.waitFor(timeout: 20, seen: &seen) { $0.contains("READY=1") } != nil, "no READY=1; log:\n\(agent.log)")
        // From here on nobody reads the socket; each change below sends a new STATUS= line.
        for index in 0..<150 {
            try site.write("listener\(index).yaml", ResourceYAML.listener("backend\(index)", port: 9000 + index))
            usleep(20_000)
        }
        #expect(site.eventually(timeout: 30) { site.status(.listener, "backend149") != nil }, "changes stopped being applied; log:\n\(agent.log.suffix(2000))")
        agent.signal(SIGTERM)
        #expect(site.eventually(timeout: 10) { !agent.process.isRunning }, "SIGTERM did not stop the agent")
        #expect(agent.stop() == 0)
    }
}
