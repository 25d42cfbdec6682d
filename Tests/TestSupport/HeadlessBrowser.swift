import Foundation

/// Debian's headless Chromium, driven through selenium by `scripts/browser-driver.py`, one command at a time, the page
/// kept open between them: tests read a page as a person sees it (its visible text and DOM) and save screenshots.
public final class HeadlessBrowser: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    private var buffer = Data()

    /// Whether Chromium, its driver and selenium are installed (scripts/install-deps.sh installs them).
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
    }

    /// Where the tests' screenshots go: `$SKUPPER_TEST_ARTIFACTS`, else `.build/test-artifacts`.
    public static var artifacts: URL {
        let path = ProcessInfo.processInfo.environment["SKUPPER_TEST_ARTIFACTS"].flatMap { $0.isEmpty ? nil : $0 } ?? Repository.path(".build/test-artifacts")
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Repository.path("scripts/browser-driver.py")]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        _ = try answer(timeout: 60)
    }

    deinit { close() }

    /// Stops the browser.
    public func close() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.write(contentsOf: Data("{\"quit\": true}\n".utf8))
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
    }

    /// Opens a page; returns its title.
    @discardableResult
    public func open(_ url: String) throws -> String { try send(["open": url], timeout: 40) as? String ?? "" }

    /// Waits until a JavaScript expression is true on the page; returns how long that took (seconds).
    @discardableResult
    public func wait(_ expression: String, timeout: TimeInterval = 10) throws -> TimeInterval {
        try send(["wait": expression, "timeout": timeout], timeout: timeout + 30) as? Double ?? 0
    }

    /// A JavaScript expression's value on the page.
    public func evaluate(_ expression: String) throws -> Any? { try send(["eval": expression], timeout: 30) }

    /// The visible text of the first element a CSS selector finds.
    public func text(_ selector: String) throws -> String { try send(["text": selector], timeout: 30) as? String ?? "" }

    /// Saves a screenshot (PNG) of the window under `artifacts`; returns its path.
    @discardableResult
    public func screenshot(_ name: String) throws -> String {
        let path = Self.artifacts.appendingPathComponent(name).path
        _ = try send(["screenshot": path], timeout: 30)
        return path
    }

    private func send(_ command: [String: Any], timeout: TimeInterval) throws -> Any? {
        var line = try JSONSerialization.data(withJSONObject: command)
        line.append(0x0a)
        try input.fileHandleForWriting.write(contentsOf: line)
        let reply = try answer(timeout: timeout)
        guard reply["ok"] as? Bool == true else { throw TestFailure("browser: \(reply["error"] ?? "no answer") (command \(command))") }
        return reply["value"]
    }

    /// Reads one answer line, within `timeout` (a hung browser is a failure, not a hung test).
    private func answer(timeout: TimeInterval) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        let descriptor = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = buffer.firstIndex(of: 0x0a) {
                let line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                return (try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]) ?? ["ok": false, "error": "unreadable answer"]
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw TestFailure("browser: no answer within \(Int(timeout)) s") }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(left, 1) * 1000)) > 0 else { continue }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw TestFailure("browser: the driver exited (is chromium, chromium-driver and python3-selenium installed?)") }
            buffer.append(chunk)
        }
    }
}
