import Foundation
import Resources
import TestSupport
import Testing

@testable import Agent

/// A router that keeps dying is started again with a backoff, and every status says that it exits, how, and what its
/// log said last. The router here is a stand-in script: it stands for a broken router install, which is the case.
@Suite("A router that keeps exiting")
struct RouterBackoffTests {
    /// A `skrouterd` that logs a line, counts its starts and exits 1 at once.
    static func brokenRouter(in directory: URL) throws -> (executable: URL, starts: URL) {
        let starts = directory.appendingPathComponent("starts")
        let executable = directory.appendingPathComponent("skrouterd")
        try """
        #!/bin/sh
        echo start >> '\(starts.path)'
        echo "2026-12-07 01:02:03 ROUTER (critical) Router start-up failed: Python: configuration rejected"
        exit 1

        """.write(to: executable, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable.path)
        return (executable, starts)
    }

    @Test func itsRestartsBackOffAndItsStatusSaysItExitsAndWhy() throws {
        let site = try TemporarySite()
        let bin = site.layout.root.appendingPathComponent("broken-router")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let router = try Self.brokenRouter(in: bin)
        try site.write("site.yaml", Fixtures.site)
        let socket = try NotifySocket()
        let agent = try AgentProcess(
            site: site,
            arguments: [
                "--platform", "process", "--router-path", router.executable.path,
                "--platform-check-interval", "0.2",
            ],
            environment: ["NOTIFY_SOCKET": socket.path])
        defer { agent.stop() }
        let started = Date()
        var seen: [String] = []
        let status = socket.waitFor(timeout: 10, seen: &seen) { $0.contains("router failed (skrouterd exited with status 1") }
        #expect(status?.contains("Router start-up failed") == true, "\(seen)\nlog:\n\(agent.log)")
        var message = ""
        #expect(
            site.eventually {
                message = site.status(.site, "west")?.status.message ?? ""
                return site.status(.site, "west")?.status.phase == .error && message.contains("skrouterd exited with status 1")
            }, "\(message)\nlog:\n\(agent.log)")
        // Its log's last line (its start, as the status quotes any value), and that it is started again.
        #expect(message.contains("(critical) Router start-up failed") && message.contains("started again with a backoff"), "\(message)")
        // Checks every 0.2 s restarted it every 0.2 s before; now 1 s, 2 s, 4 s ... after each exit is seen.
        Thread.sleep(until: started.addingTimeInterval(9))
        let count = ((try? String(contentsOf: router.starts, encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect((3...5).contains(count), "started \(count) times in 9 s\nlog:\n\(agent.log)")
        // Once it was seen failing, STATUS= never says it runs again (it said so between restarts before).
        _ = socket.waitFor(timeout: 0.5, seen: &seen) { _ in false }
        let afterFailure = seen.drop { !$0.contains("router failed") }
        #expect(!afterFailure.isEmpty && !afterFailure.contains { $0.contains("router running") }, "\(seen)")
    }

    @Test func theBackoffDoublesToAMinuteAndIsForgottenAfterAMinuteUp() {
        var backoff = RestartBackoff()
        var now = Date(timeIntervalSince1970: 1_000_000)
        var waits: [TimeInterval] = []
        for _ in 0..<9 {
            waits.append(backoff.exited(now: now))
            #expect(backoff.isWaiting(now: now) && !backoff.isDue(now: now))
            now = backoff.restartAt!
            #expect(backoff.isDue(now: now))
            backoff.restarted()
        }
        #expect(waits == [1, 2, 4, 8, 16, 32, 60, 60, 60])
        backoff.up(now: now)
        backoff.up(now: now.addingTimeInterval(59))
        #expect(backoff.exits == 9, "up for less than a minute: the exits still count")
        backoff.up(now: now.addingTimeInterval(60))
        #expect(backoff.exits == 0)
        #expect(backoff.exited(now: now) == 1)
    }
}
