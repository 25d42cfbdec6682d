import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The README's command-line walkthrough, run as written: the block after its `<!-- walkthrough -->` marker, by bash,
/// from the repository's root, with the built binaries and the real router, on loopback. A README whose commands stop
/// working fails here.
@Suite("README: the command-line walkthrough")
struct UserWalkthroughTests {
    /// The walkthrough's shell block.
    static func walkthrough() throws -> String {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let marker = readme.range(of: "<!-- walkthrough"),
            let open = readme.range(of: "```sh\n", range: marker.upperBound..<readme.endIndex),
            let close = readme.range(of: "\n```", range: open.upperBound..<readme.endIndex)
        else {
            throw TestFailure("README.md has no walkthrough block")
        }
        return String(readme[open.upperBound..<close.lowerBound])
    }

    /// The site directories the walkthrough made (mktemp -d under its TMPDIR).
    static func sites(under home: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: home.path)) ?? []).filter { $0.hasPrefix("tmp.") }.map { home.appendingPathComponent($0) }
    }

    static func agentLogs(under home: URL) -> String {
        sites(under: home).compactMap { try? String(contentsOf: $0.appendingPathComponent("skupperd.log"), encoding: .utf8) }.joined(separator: "\n")
    }

    /// Stops an agent a failed walkthrough left (its router stops with it), by the pid its site directory names.
    static func stopWhatIsLeft(under home: URL) {
        for site in sites(under: home) {
            guard let text = try? String(contentsOf: site.appendingPathComponent("runtime/agent.yaml"), encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("pid: ") }), let pid = Int32(line.dropFirst(5))
            else { continue }
            kill(pid, SIGTERM)
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
        }
    }

    @Test func theWalkthroughRunsAsWritten() throws {
        let script = try Self.walkthrough()
        #expect(script.contains("skupper site create") && script.contains("skupper system stop"), "\(script)")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        // The block's own PATH line puts .build/debug first; the products the tests run are put there too (the same
        // build), and the router built by scripts/build-router.sh is found where skupperd looks for it.
        let products = BuiltProducts.directory.path
        let router = try RealRouter.prefix().appendingPathComponent("sbin").path
        let environment = ["HOME": home.path, "PATH": "\(products):\(router):/usr/local/bin:/usr/bin:/bin", "TMPDIR": home.path]
        let process = Process()
        // In a session of its own, so whatever it left in the background (a server, an agent) is stopped with its group,
        // and with the signal mask a shell has (the test process blocks signals its children would inherit: the
        // walkthrough's `kill` would not reach its server).
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.getpgrp() == os.getpid() or os.setsid(); os.execv(sys.argv[1], sys.argv[1:])",
            "/bin/bash", "-euo", "pipefail", "-c", script + "\necho walkthrough-done $SKUPPER_CONFIG_DIR\n",
        ]
        process.environment = environment
        process.currentDirectoryURL = Repository.root
        let output = home.appendingPathComponent("output")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { usleep(100_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        Self.stopWhatIsLeft(under: home)
        kill(-process.processIdentifier, SIGKILL)
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let log = Self.agentLogs(under: home)
        #expect(process.terminationStatus == 0, "\(text)\n\(log ?? "")")
        #expect(text.contains("Site \"west\" is ready."), "\(text)")
        #expect(text.contains("\n200\n"), "no HTTP 200 through the listener:\n\(text)")
        #expect(text.contains("backend   Ready"), "\(text)")
        #expect(text.contains("Agent process: pid") && text.contains("Router: skrouterd, pid"), "\(text)")
        // The network as tables, and where its console is.
        #expect(text.contains("Sites:") && text.contains("west") && text.contains("backend"), "\(text)")
        #expect(text.contains("Network console: http://127.0.0.1:"), "\(text)")
        #expect(text.contains("has been stopped") && text.contains("walkthrough-done"), "\(text)")
        // Nothing was left running: the site directory's agent is gone.
        if let directory = text.split(separator: "\n").last(where: { $0.hasPrefix("walkthrough-done ") })?.split(separator: " ").last {
            let stillRunning = try run(["pgrep", "-f", "skrouterd -c \(directory)"])
            #expect(stillRunning.status != 0, "a router outlived the walkthrough: \(stillRunning.output)")
            try? FileManager.default.removeItem(atPath: String(directory))
        }
    }
}
