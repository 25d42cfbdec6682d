import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a diagnostic command for `skupper debug dump`, best effort: bounded in time and in output, its output
/// kept in a file (never a pipe a stuck child could leave open), nil when it is not installed, cannot start or
/// does not finish in time.
enum CommandCapture {
    /// What the command printed and how it exited.
    struct Output {
        var status: Int32
        var text: Data
    }

    /// Runs `arguments` (the first looked up on PATH) for at most `timeout` seconds, keeping at most `limit` bytes.
    static func run(_ arguments: [String], timeout: Double = 10, limit: Int = 4 << 20, includeStandardError: Bool = false) -> Output? {
        guard let name = arguments.first, let executable = find(name) else { return nil }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skupper-capture-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: scratch.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: scratch.path)
        else { return nil }
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(at: scratch)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = Array(arguments.dropFirst())
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = includeStandardError ? handle : FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["SYSTEMD_PAGER"] = ""
        environment["PAGER"] = "cat"
        process.environment = environment
        do { try process.run() } catch { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            let grace = Date().addingTimeInterval(1)
            while process.isRunning && Date() < grace { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        guard let reader = FileHandle(forReadingAtPath: scratch.path) else { return nil }
        defer { try? reader.close() }
        let text = (try? reader.read(upToCount: limit)) ?? nil
        return Output(status: process.terminationStatus, text: text ?? Data())
    }

    /// An absolute path as is; otherwise the first executable of that name on PATH.
    static func find(_ name: String) -> URL? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil }
        let path = ProcessInfo.processInfo.environment["PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
