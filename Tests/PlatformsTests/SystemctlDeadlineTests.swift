import Foundation
import HostSupport
import Platforms
import Testing

/// A service manager that does not answer holds nobody for ever: every systemctl call has a deadline, after which the
/// command is killed and the failure says so.
@Suite("systemctl's deadline")
struct SystemctlDeadlineTests {
    @Test func aHangingSystemctlIsStoppedAtItsDeadline() throws {
        // A stand-in for a systemctl whose bus never answers (a script: no systemd runs here).
        let systemctl = Systemctl(command: ["/bin/sh", "-c", "echo starting; sleep 30", "systemctl"], timeout: .milliseconds(500))
        let started = ContinuousClock.now
        #expect {
            _ = try systemctl.checkBlocking(["restart", "skupper-default.service"])
        } throws: { error in
            "\(error)".contains("did not finish within 0.5 seconds and was stopped: the service manager does not answer")
        }
        #expect(ContinuousClock.now - started < .seconds(3), "the deadline did not hold")
    }

    @Test func aQuickCommandIsNotAffected() throws {
        let output = try Systemctl(command: ["/bin/sh", "-c", "echo out; echo err >&2; exit 3", "systemctl"], timeout: .seconds(5)).runBlocking([])
        #expect(output.status == 3 && output.stdout == "out\n" && output.stderr == "err\n")
        let child = try ChildProcess.output("/bin/sh", arguments: ["-c", "sleep 0.2; echo done"], environment: [:], deadline: .seconds(5))
        #expect(child.stdout == "done\n" && !child.timedOut && child.status == 0)
    }
}
