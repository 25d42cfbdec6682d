import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A private podman API service for tests (`podman system service` with its own root, run root, vfs storage,
/// cgroupfs and a containers.conf whose ulimits fit this machine), serving the Docker-compatible API on its socket.
public final class PodmanEngine: @unchecked Sendable {
    /// The service's directory (`/tmp/pe-XXXXXXXX`).
    public let directory: String
    /// The API socket.
    public var socketPath: String { directory + "/p.sock" }
    let process = Process()
    var stopped = false

    /// Whether podman is installed.
    public static var isInstalled: Bool {
        (try? run(["sh", "-c", "command -v podman"]).status) == 0
    }

    /// Starts the service and waits until it answers `/_ping`.
    public init() throws {
        directory = "/tmp/pe-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "[containers]\ndefault_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"]\n"
            .write(toFile: directory + "/containers.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["CONTAINERS_CONF=\(directory)/containers.conf", "podman"] + storageArguments + ["system", "service", "--time=0", "unix://\(socketPath)"]
        _ = FileManager.default.createFile(atPath: directory + "/service.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/service.log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && process.isRunning && !DockerEngine.ping(socketPath) { usleep(50_000) }
        guard process.isRunning, DockerEngine.ping(socketPath) else {
            let text = (try? String(contentsOfFile: directory + "/service.log", encoding: .utf8)) ?? ""
            shutdown()
            throw TestFailure("podman system service did not answer on \(socketPath): \(text.suffix(2000))")
        }
    }

    deinit { shutdown() }

    var storageArguments: [String] {
        ["--root", directory + "/root", "--runroot", directory + "/run", "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs"]
    }

    /// Runs the podman CLI on this service's store.
    @discardableResult
    public func podman(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        try run(["env", "CONTAINERS_CONF=\(directory)/containers.conf", "podman"] + storageArguments + arguments, input: input)
    }

    /// Builds the real router image into this service's store.
    public func loadRouterImage() throws -> String {
        try RouterImage.build(engine: "podman", arguments: storageArguments, environment: ["CONTAINERS_CONF": directory + "/containers.conf"])
    }

    /// Builds the stand-in router image with `podman import`, tagged like ``DockerEngine/standinImage``.
    public func loadStandinImage() throws {
        let rootfs = URL(fileURLWithPath: directory).appendingPathComponent("standin-rootfs")
        try StandinRouter.writeRootfs(to: rootfs)
        let command =
            "tar -C '\(rootfs.path)' -c . | env CONTAINERS_CONF='\(directory)/containers.conf' podman "
            + storageArguments.joined(separator: " ") + " import -c 'CMD [\"/bin/router\"]' - \(DockerEngine.standinImage)"
        let result = try run(["sh", "-c", command])
        guard result.status == 0 else { throw TestFailure("podman import failed: \(result.output)") }
        try? FileManager.default.removeItem(at: rootfs)
    }

    /// Removes every container (their conmon processes outlive the service), stops the service, unmounts and
    /// removes the directory.
    public func shutdown() {
        guard !stopped else { return }
        stopped = true
        _ = try? podman(["rm", "--all", "--force", "--time", "2"])
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        DockerEngine.unmountAll(under: directory)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
