import ArgumentParser
import Foundation
import Platforms
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// `skupper debug dump [file]`: a gzip'd tarball of the namespace's resources, statuses, configuration,
/// certificates (no private keys), logs and versions, for a bug report.
public struct DebugDump: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Create a tarball containing various files with the site details",
        discussion: """
            Create a tarball including site resources and status; component versions, config files, and logs; and \
            info about the environment where Skupper is running. As in Skupper v2 the file is named \
            <filename>-<namespace>-<YYYYMMDDhhmmss>, with .tar.gz added when that has no extension; it is written \
            readable by its owner only. Private keys (tls.key and any other *.key file, and keys inside resource \
            files) are left out, and so are other secrets (grant and token codes, passwords, Secret data), wherever \
            they appear; its README.txt lists what was masked.
            """)

    @OptionGroup public var global: GlobalOptions

    @Argument(help: "The dump's file name (default: skupper-dump).")
    public var fileName: String?

    public init() {}

    /// v2's check of the file name.
    static let fileNamePattern = "^[A-Za-z0-9./~-]+$"

    public func run() throws {
        if let fileName {
            guard !fileName.isEmpty else { throw CLIError("filename must not be empty") }
            guard fileName.range(of: Self.fileNamePattern, options: .regularExpression) != nil else {
                throw CLIError("filename is not valid: value does not match this regular expression: \(Self.fileNamePattern)")
            }
        }
        let layout = global.layout
        guard global.site.site() != nil || FileManager.default.fileExists(atPath: layout.runtime.path) else {
            throw CLIError(
                "no skupper site found in namespace",
                hints: ["Namespace \"\(global.namespace)\" (\(layout.root.path)) has no Site and its agent has not run there."])
        }
        let output = Self.outputName(fileName ?? "skupper-dump", namespace: global.namespace, date: Date())
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("skupper-dump-\(UUID().uuidString)")
        do { try PrivateDirectory.create(staging) } catch { throw CLIError("Unable to save skupper dump details: \(error)") }
        defer { try? FileManager.default.removeItem(at: staging) }
        let top = staging.appendingPathComponent(Self.topDirectory(output))
        var collector = DumpCollector(layout: layout, top: top)
        collect(into: &collector)
        // The dump's own text (its notes name *.key files): checked for keys, not redacted.
        collector.add("README.txt", text: readme(collector), redact: false)
        try Self.writeTarball(staging: staging, top: top.lastPathComponent, to: output)
        Console.out("Skupper dump details written to compressed archive: \(output)")
    }

    /// Everything the dump holds.
    func collect(into collector: inout DumpCollector) {
        let layout = global.layout, namespace = global.namespace
        collector.add("versions/skupper.txt", text: SkupperVersion.description + "\n")
        collector.addCommand("versions/skrouterd.txt", ["skrouterd", "--version"], timeout: 5)
        collector.addCommand("versions/uname.txt", ["uname", "-a"], timeout: 5)
        if let release = FileManager.default.contents(atPath: "/etc/os-release") { collector.add("versions/os-release.txt", release) }

        // Every secret the namespace holds is learnt first, so it is masked in whatever file it turns up in.
        collector.learnSecrets(under: [layout.inputResources.deletingLastPathComponent(), layout.runtime])
        collector.addNamespaceTree(layout.inputResources.deletingLastPathComponent())
        collector.addNamespaceTree(layout.runtime)
        collector.addRouterLog()

        // The agent's and the router's units: their state and their recent journal (skipped where there is no systemd).
        let manager = SystemdScope.current == .user ? ["--user"] : []
        for unit in [AgentUnit.name(namespace: namespace), RouterUnit.name(namespace: namespace)] {
            collector.addCommand(
                "systemd/\(unit)-status.txt", ["systemctl"] + manager + ["status", "--no-pager", "--full", unit],
                accept: { [0, 3].contains($0) })
            collector.addCommand("logs/journal-\(unit).txt", ["journalctl"] + manager + ["-u", unit, "-n", "2000", "--no-pager"], timeout: 15)
        }

        // A router container: its log and its inspection, through the engine's command line.
        let platform = AgentInfo.read(layout).flatMap { try? PlatformKind.parse($0.platform) }
        var engines: [String] = []
        switch platform {
        case .docker?: engines = ["docker"]
        case .podman?: engines = ["podman"]
        default: if RouterContainerRecord.load(layout) != nil { engines = ["docker", "podman"] }
        }
        let container = RouterContainer.containerName(namespace: namespace)
        for engine in engines {
            collector.addCommand("logs/\(container)-\(engine).txt", [engine, "logs", "--tail", "2000", container], timeout: 15, includeStandardError: true)
            collector.addCommand("containers/\(container)-\(engine).json", [engine, "inspect", container], timeout: 15)
        }
    }

    /// The dump's README.txt: what it holds and what was left out.
    func readme(_ collector: DumpCollector) -> String {
        var lines = [
            "skupper debug dump of namespace \"\(global.namespace)\" (\(global.layout.root.path))",
            "Created \(ISO8601DateFormatter().string(from: Date())) by skupper \(SkupperVersion.description)",
            "",
            "input/, runtime/   the namespace directory's files: resources, certificates (no private keys), the router's",
            "                   configuration (runtime/router/skrouterd.json) and log, the statuses (with input-errors.yaml),",
            "                   the agent's info (runtime/agent.yaml). Private keys inside files are replaced by",
            "                   \"\(PrivateKeyRedaction.marker)\"; other secrets (grant and token codes, passwords,",
            "                   Secret data, fields named like a secret, and those values wherever else they appear, logs",
            "                   and journal included) by \"\(SecretRedaction.marker)\".",
            "logs/              the agent's and the router's journal, the router container's log",
            "systemd/           the units' state",
            "versions/          skupper, skrouterd and the system",
            "",
            "Masked:",
        ]
        lines +=
            collector.masked.isEmpty
            ? ["  nothing"]
            : collector.masked.map { file in
                var counts: [String: Int] = [:]
                for what in file.what { counts[what, default: 0] += 1 }
                return "  \(file.path): " + counts.keys.sorted().map { counts[$0]! == 1 ? $0 : "\($0) (\(counts[$0]!) times)" }.joined(separator: ", ")
            }
        lines += ["", "Left out or not available:"]
        lines += collector.notes.isEmpty ? ["  nothing"] : collector.notes.map { "  \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// v2's name: `<name>-<namespace>-<YYYYMMDDhhmmss>`, and `.tar.gz` when its last element has no extension.
    static func outputName(_ base: String, namespace: String, date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMddHHmmss"
        let name = "\(base)-\(namespace)-\(formatter.string(from: date))"
        let last = name.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        return last.contains(".") ? name : name + ".tar.gz"
    }

    /// The tarball's top directory: the file's name without `.tar.gz` or `.tgz`.
    static func topDirectory(_ output: String) -> String {
        var name = String(output.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        for suffix in [".tar.gz", ".tgz"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        return name.isEmpty || name == "." || name == ".." ? "skupper-dump" : name
    }

    /// Runs the system's tar on the staged files, its output going to `path` (created 0600).
    static func writeTarball(staging: URL, top: String, to path: String) throws {
        guard let tar = CommandCapture.find("tar") else { throw CLIError("Unable to save skupper dump details: tar is not installed") }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw CLIError("Unable to save skupper dump details: \(path): \(String(cString: strerror(errno)))") }
        let output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        fchmod(fd, 0o600)
        let errors = staging.appendingPathComponent("tar-errors")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let process = Process()
        process.executableURL = tar
        process.arguments = ["-czf", "-", "-C", staging.path, top]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: errors.path) ?? FileHandle.nullDevice
        var failure: String?
        do {
            try process.run()
            let deadline = Date().addingTimeInterval(300)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                failure = "tar did not finish within 300 seconds"
            }
            process.waitUntilExit()
            if failure == nil, process.terminationStatus != 0 {
                let text = ((try? String(contentsOf: errors, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                failure = "tar exited with status \(process.terminationStatus)\(text.isEmpty ? "" : ": " + text.split(separator: "\n").joined(separator: "; "))"
            }
        } catch {
            failure = "cannot run tar: \(error)"
        }
        try? output.close()
        if let failure {
            unlink(path)
            throw CLIError("Unable to save skupper dump details: \(failure)")
        }
    }
}
