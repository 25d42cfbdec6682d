import Foundation

/// What one run of the `skupper` command line printed and how it exited.
public struct CLIResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs the real built `skupper` executable as a child process.
public enum SkupperCLI {
    /// Runs `skupper <arguments>` (with `--config-dir` of `site` appended when given) and waits for it; `input`, when
    /// given, is its standard input (else it reads nothing).
    public static func run(
        _ arguments: [String], site: TemporarySite? = nil, environment: [String: String] = [:],
        currentDirectory: URL? = nil, input: String? = nil, timeout: TimeInterval = 120
    ) throws -> CLIResult {
        let process = Process()
        process.executableURL = try BuiltProducts.executable("skupper")
        process.arguments = arguments + (site.map { ["--config-dir", $0.layout.root.path] } ?? [])
        var env = ProcessInfo.processInfo.environment
        env["SKUPPER_CONFIG_DIR"] = nil
        env["SKUPPER_PLATFORM"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("skupper-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let input {
            let file = scratch.appendingPathComponent("stdin")
            try input.write(to: file, atomically: false, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: file)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw TestFailure("skupper \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
