import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starting and stopping the real programs the tests run (skupperd, skrouterd), their output in a log file.
public enum ChildProcess {
    /// Runs `process` with stdout and stderr in `logFile` (created empty).
    public static func launch(_ process: Process, loggingTo logFile: URL) throws {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
    }

    /// SIGTERM, then SIGKILL after `timeout` (a child of the test process may inherit a signal mask that blocks
    /// SIGTERM); returns the exit status.
    @discardableResult
    public static func stop(_ process: Process, timeout: TimeInterval) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
