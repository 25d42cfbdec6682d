import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A private Docker engine for tests: its own dockerd with its own socket, data root, exec root and pid file
/// under a short /tmp directory, no bridge and no iptables (containers use host networking). `shared` is one
/// engine for a whole test run, stopped and removed when the process exits.
public final class DockerEngine: @unchecked Sendable {
    /// The engine's directory (`/tmp/de-XXXXXXXX`).
    public let directory: String
    /// The engine's API socket.
    public var socketPath: String { directory + "/d.sock" }
    /// The dockerd log.
    public var logPath: String { directory + "/dockerd.log" }
    /// Builds the real router image into this engine (once: the script skips an image built from the same inputs).
    public func loadRouterImage() throws -> String {
        try RouterImage.build(engine: "docker", arguments: ["-H", "unix://\(socketPath)"])
    }

    /// The stand-in router image (busybox and a script printing `$QDROUTERD_CONF`, then sleeping).
    public static let standinImage = "local/router-standin:1"
    /// The same image under a second tag, for spec changes.
    public static let standinImage2 = "local/router-standin:2"

    let lock = NSLock()
    var process: Process?
    var storageDriver: String?
    var removed = false

    /// Starts a new engine and waits until it answers `/_ping`.
    public init() throws {
        directory = "/tmp/de-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do { try start() } catch {
            shutdown()
            throw error
        }
    }

    deinit { shutdown() }

    // MARK: - The shared engine

    nonisolated(unsafe) static var sharedEngine: Result<DockerEngine, TestFailure>?
    static let sharedLock = NSLock()

    /// One engine (with the stand-in image loaded) for every test in this process; removed at exit.
    public static func shared() throws -> DockerEngine {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if sharedEngine == nil {
            do {
                let engine = try DockerEngine()
                try engine.loadStandinImage()
                sharedEngine = .success(engine)
                atexit { if case .success(let engine)? = DockerEngine.sharedEngine { engine.shutdown() } }
            } catch {
                sharedEngine = .failure(TestFailure("cannot start a private dockerd: \(error)"))
            }
        }
        return try sharedEngine!.get()
    }

    // MARK: - Life cycle

    /// Starts dockerd (again); falls back to the vfs storage driver when the default does not come up.
    public func start() throws {
        lock.lock()
        defer { lock.unlock() }
        guard process == nil else { return }
        let drivers: [String?] = storageDriver.map { [$0] } ?? [nil, "vfs"]
        var lastError = ""
        for driver in drivers {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            var arguments = [
                "dockerd", "-H", "unix://\(socketPath)", "--data-root", directory + "/data", "--exec-root", directory + "/exec",
                "--pidfile", directory + "/dockerd.pid", "--bridge=none", "--iptables=false", "--ip-masq=false",
            ]
            if let driver { arguments += ["--storage-driver", driver] }
            process.arguments = arguments
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            log.seekToEndOfFile()
            process.standardOutput = log
            process.standardError = log
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline && process.isRunning {
                if Self.ping(socketPath) {
                    self.process = process
                    storageDriver = driver
                    return
                }
                usleep(50_000)
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            lastError = String((try? String(contentsOfFile: logPath, encoding: .utf8))?.suffix(2000) ?? "")
        }
        throw TestFailure("dockerd did not answer on \(socketPath): \(lastError)")
    }

    /// Stops dockerd (SIGTERM, then SIGKILL after 30 s) and waits for it; the directory stays.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard let process else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
        unmountAll()
    }

    /// Stops the engine, unmounts what it left mounted and removes its directory.
    public func shutdown() {
        stop()
        lock.lock()
        defer { lock.unlock() }
        guard !removed else { return }
        removed = true
        unmountAll()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Unmounts every mount under the engine's directory, deepest first (`exec/netns/default`, overlay layers).
    func unmountAll() { Self.unmountAll(under: directory) }

    /// Unmounts every mount under `directory`, deepest first.
    public static func unmountAll(under directory: String) {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return }
        let points = mounts.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 1 else { return nil }
            let point = String(fields[1]).replacingOccurrences(of: "\\040", with: " ")
            return point.hasPrefix(directory + "/") ? point : nil
        }
        for point in points.sorted(by: { $0.count > $1.count }) { umount2(point, Int32(MNT_DETACH)) }
    }

    /// Whether the engine answers `GET /_ping` with OK (a raw HTTP/1.0 request over the unix socket).
    public static func ping(_ socketPath: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return false }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET /_ping HTTP/1.0\r\nHost: localhost\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return false }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        return text.hasPrefix("HTTP/1.") && text.contains(" 200 ") && text.hasSuffix("OK")
    }

    // MARK: - Using it

    /// Runs the docker CLI against this engine.
    @discardableResult
    public func docker(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        try run(["docker", "-H", "unix://\(socketPath)"] + arguments, input: input)
    }

    /// `docker inspect` of one object as JSON, or nil when it does not exist.
    public func inspect(_ name: String) throws -> [String: Any]? {
        let result = try docker(["inspect", "--type", "container", name])
        guard result.status == 0 else { return nil }
        let array = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]]
        return array?.first
    }

    /// The container's logs (stdout and stderr).
    public func logs(_ name: String) throws -> String { try docker(["logs", name]).output }

    /// Builds the stand-in router image with `docker import` from busybox-static and a script, tagged
    /// ``standinImage`` and ``standinImage2``.
    public func loadStandinImage() throws {
        let rootfs = URL(fileURLWithPath: directory).appendingPathComponent("standin-rootfs")
        try StandinRouter.writeRootfs(to: rootfs)
        let result = try run([
            "sh", "-c", "tar -C '\(rootfs.path)' -c . | docker -H 'unix://\(socketPath)' import -c 'CMD [\"/bin/router\"]' - \(Self.standinImage)",
        ])
        guard result.status == 0 else { throw TestFailure("docker import failed: \(result.output)") }
        let tag = try docker(["tag", Self.standinImage, Self.standinImage2])
        guard tag.status == 0 else { throw TestFailure("docker tag failed: \(tag.output)") }
        try? FileManager.default.removeItem(at: rootfs)
    }
}
