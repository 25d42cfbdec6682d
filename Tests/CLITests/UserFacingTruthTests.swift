import Foundation
import Resources
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a user meets, through the real binaries (and the real router where one runs): statuses that never say Ready
/// while nothing runs, a listener whose port is taken, `system` commands without systemd, one Site per namespace
/// whichever way it is written, permission problems named as such, and a first start without warnings.
@Suite("skupper: what a user meets")
struct UserFacingTruthTests {
    /// A stopped agent leaves its last statuses on disk: every status command says that it is not running, with what
    /// it reported last and how to start it, and `system status` exits 3.
    @Test func aStoppedAgentsStatusesAreNotReady() throws {
        let site = try TemporarySite()
        #expect(try site.skupper("site", "create", "west").status == 0)
        #expect(try site.skupper("listener", "create", "web", "18080", "--host", "127.0.0.1").status == 0)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.listener, "web")?.status.phase == .ready }, "log:\n\(agent.log)")
        var result = try site.skupper("site", "status")
        #expect(result.stdout.contains("west   Ready    OK"), "\(result)")
        #expect(try site.skupper("system", "status").status == 0)
        #expect(agent.stop() == 0)

        let start = "start it: skupperd --config-dir \(site.layout.root.path)"
        result = try site.skupper("site", "status")
        #expect(result.stdout.contains("Pending") && !result.stdout.contains("Ready    OK"), "\(result)")
        #expect(result.stdout.contains("the agent is not running (its last report: Ready: OK"), "\(result)")
        #expect(result.stdout.contains(start), "\(result)")
        result = try site.skupper("listener", "status")
        #expect(result.stdout.contains("web    Pending") && result.stdout.contains(start), "\(result)")
        result = try site.skupper("listener", "status", "web", "-o", "yaml")
        #expect(result.stdout.contains("status: Pending") && result.stdout.contains("the agent is not running"), "\(result)")
        result = try site.skupper("system", "status")
        #expect(result.status == 3, "\(result)")
        #expect(result.stdout.contains("Agent process: not running; \(start)"), "\(result)")
        #expect(result.stdout.contains("Site \"west\": Pending: the agent is not running"), "\(result)")
        // No systemd here: nothing of systemctl or D-Bus in what the user reads.
        for text in ["systemctl", "D-Bus", "bus", "booted"] { #expect(!result.stdout.contains(text) && !result.stderr.contains(text), "\(text): \(result)") }
        // Nor from start and reload: advice that works without systemd.
        for command in [["system", "start"], ["system", "reload"]] {
            let answer = try site.skupper(command[0], command[1])
            #expect(answer.status != 0 && answer.stderr.contains("skupperd --config-dir \(site.layout.root.path)"), "\(command): \(answer)")
            #expect(!answer.stderr.contains("systemctl") && !answer.stderr.contains("-n default"), "\(command): \(answer)")
        }
    }

    /// A second Site is refused the same way by `site create`, `system apply` and the agent (a located error).
    @Test func aSecondSiteIsRefusedByEveryPath() throws {
        let site = try TemporarySite()
        #expect(try site.skupper("site", "create", "west").status == 0)
        let rule = "only one Site is allowed per namespace; Site \"west\" is active"
        let created = try site.skupper("site", "create", "other")
        #expect(created.status != 0 && created.stderr.contains(rule), "\(created)")
        let applied = try site.skupper("system", "apply", "-f", "-", input: ResourceYAML.site("zzz") + "\n")
        #expect(applied.status != 0 && applied.stderr.contains(rule) && applied.stderr.contains("Nothing was written"), "\(applied)")
        #expect(site.inputFiles == ["Site-west.yaml"])
        // Written by hand: the agent applies the first by name and reports the other, located.
        try site.write("more.yaml", ResourceYAML.site("zzz") + "\n")
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        let errors = site.layout.status.appendingPathComponent("input-errors.yaml")
        var text = ""
        #expect(
            site.eventually {
                text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                return text.contains("more.yaml")
            }, "log:\n\(agent.log)")
        #expect(text.contains("Site \\\"zzz\\\": \(rule.replacingOccurrences(of: "\"", with: "\\\""))") || text.contains("Site \"zzz\": \(rule)"), "\(text)")
        #expect(text.contains("metadata.name"), "\(text)")
        #expect(site.eventually { site.status(.site, "zzz")?.status.phase == .error })
        // `site delete zzz` finds it (it exists, in a file of its own).
        let deleted = try site.skupper("site", "delete", "zzz")
        #expect(deleted.status == 0 && deleted.stdout.contains("Site \"zzz\" deleted"), "\(deleted)")
    }

    /// `site update` with nothing to change says so, and writes nothing.
    @Test func anUpdateWithoutOptionsChangesNothing() throws {
        let site = try TemporarySite()
        #expect(try site.skupper("site", "create", "west").status == 0)
        let before = try Data(contentsOf: site.layout.inputResources.appendingPathComponent("Site-west.yaml"))
        let result = try site.skupper("site", "update")
        #expect(result.status == 0 && result.stdout == "Site \"west\" unchanged: no option was given (see skupper site update --help)\n", "\(result)")
        #expect(try Data(contentsOf: site.layout.inputResources.appendingPathComponent("Site-west.yaml")) == before)
    }

    /// A user who reads root's site is told it is a permission problem, whose the directory is, and what to do.
    @Test func readingAnotherUsersSiteIsAPermissionProblem() throws {
        guard getuid() == 0 else { return }
        let site = try TemporarySite()
        #expect(try site.skupper("site", "create", "west").status == 0)
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(site.eventually { site.status(.site, "west") != nil })
        chmod(site.layout.root.path, 0o755)
        let skupper = try BuiltProducts.executable("skupper").path
        let result = try run([
            "setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", skupper, "site", "status",
            "--config-dir", site.layout.root.path,
        ])
        #expect(result.status != 0, "\(result)")
        #expect(result.output.contains("Error: permission denied: \(site.layout.agentLock.path) cannot be read"), "\(result.output)")
        #expect(result.output.contains("belongs to root") && result.output.contains("sudo skupper"), "\(result.output)")
        #expect(!result.output.contains("is skupperd running"), "\(result.output)")
    }
}

/// With the real router: a listener whose port another process holds is an Error in the router's words, and the
/// connector that would match it does not count it; and an agent's first start logs no warning.
@Suite("skupper: what a user meets, with the real router")
struct UserFacingRouterTests {
    @Test func aListenerWhosePortIsTakenIsAnErrorInTheRoutersWords() throws {
        let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(taken) }
        let port = freePort()
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        address.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(taken, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(listen(taken, 1) == 0)

        let site = try TemporarySite()
        #expect(try site.skupper("site", "create", "west").status == 0)
        let agent = try AgentProcess(site: site, arguments: try LiveNetworkTests.arguments())
        defer { agent.stop() }
        #expect(site.eventually(timeout: 30) { site.status(.site, "west")?.status.phase == .ready }, "log:\n\(agent.log)")
        #expect(try site.skupper("listener", "create", "web", String(port), "--host", "127.0.0.1").status == 0)
        #expect(try site.skupper("connector", "create", "web", "9", "--host", "127.0.0.1").status == 0)
        var message = ""
        #expect(
            site.eventually(timeout: 20) {
                // One read: the message and the phase of the same status file.
                let status = site.status(.listener, "web")?.status
                message = status?.message ?? ""
                return status?.phase == .error
            }, "\(message)\nlog:\n\(agent.log)")
        #expect(message.contains("the router cannot listen on 127.0.0.1:\(port): Address already in use"), "\(message)")
        #expect(
            site.eventually(timeout: 10) { site.status(.connector, "web")?.status.field("hasMatchingListener") == .bool(false) },
            "\(String(describing: site.status(.connector, "web")))")
        let shown = try site.skupper("listener", "status")
        #expect(shown.stdout.contains("Error") && shown.stdout.contains("Address already in use"), "\(shown)")
    }

    @Test func aFirstStartLogsNoWarning() throws {
        let site = try TemporarySite()
        #expect(try site.skupper("site", "create", "west", "--enable-link-access").status == 0)
        #expect(try site.skupper("listener", "create", "web", String(freePort()), "--host", "127.0.0.1").status == 0)
        let agent = try AgentProcess(site: site, arguments: try LiveNetworkTests.arguments())
        defer { agent.stop() }
        #expect(site.eventually(timeout: 30) { site.status(.site, "west")?.status.phase == .ready }, "log:\n\(agent.log)")
        Thread.sleep(forTimeInterval: 2)
        let noisy = agent.log.split(separator: "\n").filter { $0.contains(" warning ") || $0.contains(" error ") || $0.contains(" critical ") }
        #expect(noisy.isEmpty, "\(noisy.joined(separator: "\n"))")
    }
}

/// A file the command line cannot write is named with the system's reason, never a Foundation error dump.
@Suite("skupper: file errors in words")
struct FileErrorWordsTests {
    @Test func aFailedWriteSaysWhyInWords() throws {
        let result = try SkupperCLI.run(["site", "create", "west", "--config-dir", "/dev/null/site"])
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.hasPrefix("Error: cannot write /dev/null/site/input/resources/Site-west.yaml: "), "\(result)")
        #expect(result.stderr.contains("Not a directory") || result.stderr.contains("directory"), "\(result)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("Error Domain"), "\(result)")
    }
}
