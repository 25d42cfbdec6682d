import Foundation
import TestSupport
import Testing

/// Stopping the agent while it is asking a router that does not answer: the management call is interrupted and
/// waited for, so the process never exits with Proton and OpenSSL still working on a thread of their own (which
/// crashed it in OpenSSL's exit-time cleanup, about 3 stops in 7 before).
@Suite struct ShutdownTests {
    @Test func stoppingWhileTheRouterDoesNotAnswerIsClean() throws {
        for attempt in 0..<10 {
            let site = try TemporarySite()
            try site.write("site.yaml", ResourceYAML.site())
            // A router that exits at once: the agent restarts it and keeps trying its management port.
            let agent = try AgentProcess(
                site: site,
                arguments: [
                    "--platform", "process", "--router-path", "/bin/false",
                    "--platform-check-interval", "0.2",
                ])
            usleep(useconds_t(300_000 + attempt * 150_000))
            let started = Date()
            let status = agent.stop(timeout: 10)
            let seconds = Date().timeIntervalSince(started)
            #expect(
                agent.process.terminationReason == .exit && status == 0,
                "attempt \(attempt): \(agent.process.terminationReason == .uncaughtSignal ? "signal" : "exit") \(status)\n\(agent.log.suffix(2000))")
            // Interrupted, not waited out: well within the management call's own 2 s timeout.
            #expect(seconds < 3, "attempt \(attempt): stopped in \(seconds) s")
        }
    }
}
