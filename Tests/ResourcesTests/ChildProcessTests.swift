import Foundation
import HostSupport
import Synchronization
import Testing

/// The agent's own child processes and threads (posix_spawn and pthreads, in place of Foundation's Process and
/// Thread): output, exit status, what the child inherits.
@Suite("Child processes and threads")
struct ChildProcessTests {
    @Test func bothStreamsAndTheExitStatus() throws {
        let output = try ChildProcess.output("/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"], environment: [:])
        #expect(output.status == 3)
        #expect(output.stdout == "out\n")
        #expect(output.stderr == "err\n")
    }

    /// More than a pipe holds on each stream at once: neither side blocks.
    @Test func chattyOnBothStreams() throws {
        let output = try ChildProcess.output(
            "/bin/sh", arguments: ["-c", "head -c 300000 /dev/zero | tr '\\0' a; head -c 300000 /dev/zero | tr '\\0' b >&2"], environment: [:])
        #expect(output.status == 0)
        #expect(output.stdout.utf8.count == 300_000 && output.stdout.allSatisfy { $0 == "a" })
        #expect(output.stderr.utf8.count == 300_000 && output.stderr.allSatisfy { $0 == "b" })
    }

    @Test func exactlyTheEnvironmentGiven() throws {
        let output = try ChildProcess.output("/usr/bin/env", arguments: [], environment: ["ONLY": "this"])
        #expect(output.stdout == "ONLY=this\n")
    }

    /// No descriptor of the agent's but the three reaches the child, CLOEXEC or not.
    @Test func noInheritedDescriptors() throws {
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        let output = try ChildProcess.output("/bin/ls", arguments: ["/proc/self/fd"], environment: [:])
        // 0, 1, 2 and the descriptor ls opens to read the directory, whatever this process holds open.
        #expect(leaked > 2)
        #expect(output.stdout.split(separator: "\n").count <= 4, "\(output.stdout)")
    }

    /// A signal the agent ignores is at its default in the child (a router must stop on SIGTERM).
    @Test func signalsAtTheirDefaults() throws {
        let previous = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, previous) }
        let child = try ChildProcess.spawn("/bin/sleep", arguments: ["30"], environment: [:])
        #expect(child.isRunning)
        kill(child.pid, SIGTERM)
        #expect(child.waitUntilExit() == SIGTERM)
        #expect(!child.isRunning)
    }

    @Test func aMissingExecutableIsAClearError() {
        #expect(throws: ChildProcess.Failure.self) {
            try ChildProcess.spawn("/nonexistent/skrouterd", arguments: [], environment: [:])
        }
        do {
            _ = try ChildProcess.spawn("/nonexistent/skrouterd", arguments: [], environment: [:])
        } catch {
            #expect("\(error)" == "No such file or directory")
        }
    }

    @Test func threadsRunAndAreNamed() async {
        let name = Mutex("")
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            OSThread.start(name: "a-rather-long-thread-name") {
                let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
                name.withLock { $0 = comm.trimmingCharacters(in: .newlines) }
                done.resume()
            }
        }
        #expect(name.withLock { $0 } == "a-rather-long-t")
    }
}
