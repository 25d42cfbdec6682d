import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real systemd (PID 1 of a Docker container on a private dockerd), for testing units, `systemctl` and the
/// agent under a service manager on a machine whose own PID 1 is not systemd.
///
/// The root file system is a minimal Debian bookworm made with debootstrap (~45-60 s) and kept as a tarball in
/// `$SKUPPER_TEST_CACHE` (default /var/cache/skupper-local-tests), so later runs on the same machine only
/// `docker import` it (~5 s). The container has no network (`--network none`: its own loopback), sees the
/// Swift runtime (/opt/swift) and the built products read-only at their host paths, and shares `shared`
/// (a host directory under /tmp) read-write at the same path.
final class SystemdContainer: @unchecked Sendable {
    static let image = "local/systemd:bookworm"
    /// Packages beyond systemd that the tests need: the .deb's dependencies.
    static let packages =
        "systemd,systemd-sysv,dbus,libcurl4,libssl3,libqpid-proton11,libyaml-0-2,libpython3.11,libwebsockets17,libnghttp2-14,libsasl2-2,libunwind8,python3"

    let engine: DockerEngine
    let name = "sd"
    /// A host directory the container sees at the same path.
    let shared: URL
    /// A host directory the container's systemd reads units from (its /usr/local/lib/systemd/system).
    var units: URL { shared.appendingPathComponent("units") }
    /// When booting took.
    var bootSeconds: Double = 0

    static var cacheDirectory: URL {
        URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["SKUPPER_TEST_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
                ?? "/var/cache/skupper-local-tests")
    }

    /// Named for its package list, so a changed list makes a new root.
    static var tarball: URL {
        let digest = packages.utf8.reduce(UInt32(5381)) { ($0 &<< 5) &+ $0 &+ UInt32($1) }
        return cacheDirectory.appendingPathComponent("systemd-bookworm-\(String(digest, radix: 16)).tar")
    }

    nonisolated(unsafe) static var sharedContainer: Result<SystemdContainer, TestFailure>?
    static let lock = NSLock()

    /// One container for the whole test run, removed at exit.
    static func shared() throws -> SystemdContainer {
        lock.lock()
        defer { lock.unlock() }
        if sharedContainer == nil {
            do {
                let container = try SystemdContainer()
                sharedContainer = .success(container)
                atexit { if case .success(let container)? = SystemdContainer.sharedContainer { container.shutdown() } }
            } catch let error as TestFailure {
                sharedContainer = .failure(error)
            } catch {
                sharedContainer = .failure(TestFailure("\(error)"))
            }
        }
        return try sharedContainer!.get()
    }

    init() throws {
        let started = Date()
        try Self.ensureTarball()
        shared = URL(fileURLWithPath: "/tmp/sdt-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))")
        try FileManager.default.createDirectory(at: shared.appendingPathComponent("units"), withIntermediateDirectories: true)
        engine = try DockerEngine()
        let imported = try engine.docker(["import", "-c", "CMD [\"/lib/systemd/systemd\"]", Self.tarball.path, Self.image])
        guard imported.status == 0 else { throw TestFailure("docker import failed: \(imported.output)") }
        let products = BuiltProducts.directory.resolvingSymlinksInPath().path
        let run = try engine.docker([
            "run", "-d", "--name", name, "--network", "none", "--stop-signal", "SIGRTMIN+3",
            "--tmpfs", "/run", "--tmpfs", "/run/lock", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro",
            "-v", "/opt/swift:/opt/swift:ro", "-v", "\(products):\(products):ro",
            "-v", "\(shared.path):\(shared.path)",
            "-v", "\(shared.path)/units:/usr/local/lib/systemd/system", Self.image,
        ])
        guard run.status == 0 else { throw TestFailure("docker run failed: \(run.output)") }
        let deadline = Date().addingTimeInterval(60)
        var state = ""
        while Date() < deadline {
            state = (try? exec(["systemctl", "is-system-running"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? ""
            if state == "running" || state == "degraded" { break }
            usleep(100_000)
        }
        guard state == "running" || state == "degraded" else {
            throw TestFailure("systemd in the container did not come up (state \(state)): \(try engine.logs(name))")
        }
        bootSeconds = Date().timeIntervalSince(started)
    }

    /// Builds the skupper-router .deb (packaging/build-router-deb.sh, from the cached router build) and installs it,
    /// removing a stand-in router another test left in /usr/local/bin (systemd would find that one first).
    func installRouterPackage() throws {
        _ = try exec(["rm", "-f", "/usr/local/bin/skrouterd"])
        if try exec(["test", "-x", "/usr/sbin/skrouterd"]).status == 0 { return }
        let build = try run(["bash", Repository.path("packaging/build-router-deb.sh"), "--out", shared.appendingPathComponent("router-deb").path])
        guard build.status == 0, let deb = build.output.split(separator: "\n").last.map(String.init), deb.hasSuffix(".deb") else {
            throw TestFailure("build-router-deb.sh failed: \(build.output.suffix(3000))")
        }
        let install = try exec(["dpkg", "-i", deb])
        guard install.status == 0 else { throw TestFailure("dpkg -i \(deb): \(install.output)") }
        let version = try checked(["/usr/sbin/skrouterd", "--version"])
        guard version.contains("3.5.1") else { throw TestFailure("skrouterd --version: \(version)") }
    }

    func shutdown() {
        _ = try? engine.docker(["rm", "-f", name])
        engine.shutdown()
        try? FileManager.default.removeItem(at: shared)
    }

    /// Runs a command in the container (as root); returns its status and combined output.
    @discardableResult
    func exec(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        try engine.docker(["exec", "-i", name] + arguments, input: input)
    }

    /// Runs a command that must succeed and returns its output.
    @discardableResult
    func checked(_ arguments: [String], input: String? = nil) throws -> String {
        let result = try exec(arguments, input: input)
        guard result.status == 0 else { throw TestFailure("`\(arguments.joined(separator: " "))` failed (\(result.status)): \(result.output)") }
        return result.output
    }

    /// Writes a file in the container.
    func write(_ path: String, _ text: String, mode: String = "0644") throws {
        try checked(["sh", "-c", "mkdir -p \"$(dirname '\(path)')\" && cat > '\(path)' && chmod \(mode) '\(path)'"], input: text)
    }

    /// `systemctl show -p ...` of a unit in the container.
    func show(_ unit: String, _ properties: [String]) throws -> [String: String] {
        var values: [String: String] = [:]
        for line in try checked(["systemctl", "show", "-p", properties.joined(separator: ","), unit]).split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    /// The `systemctl` command line that reaches this container's systemd from the host.
    var systemctlCommand: [String] { ["docker", "-H", "unix://\(engine.socketPath)", "exec", name, "systemctl"] }

    /// The stand-in router: checks `-c <file>` names a router configuration, appends "<pid> <file> <site id>"
    /// to `log`, and sleeps.
    static func standinRouter(log: String) -> String {
        """
        #!/bin/sh
        # skrouterd stand-in for tests.
        [ "$1" = "-c" ] && [ -r "$2" ] || { echo "usage: skrouterd -c FILE" >&2; exit 2; }
        grep -q '"router"' "$2" || { echo "not a router configuration: $2" >&2; exit 3; }
        echo "$$ $2 ${SKUPPER_SITE_ID}" >> '\(log)'
        exec sleep infinity

        """
    }

    /// Makes the bookworm root tarball once per machine (debootstrap), under a lock file.
    static func ensureTarball() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: tarball.path) { return }
        try fm.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        let lockFile = open(cacheDirectory.appendingPathComponent(".lock").path, O_CREAT | O_RDWR, 0o644)
        guard lockFile >= 0 else { throw TestFailure("cannot open a lock in \(cacheDirectory.path)") }
        defer { close(lockFile) }
        flock(lockFile, LOCK_EX)
        defer { flock(lockFile, LOCK_UN) }
        if fm.fileExists(atPath: tarball.path) { return }
        guard (try? run(["which", "debootstrap"]))?.status == 0 else {
            throw TestFailure("debootstrap is not installed (scripts/install-deps.sh installs it)")
        }
        let root = cacheDirectory.appendingPathComponent("root.tmp")
        try? fm.removeItem(at: root)
        let made = try run(["debootstrap", "--variant=minbase", "--include=\(packages)", "bookworm", root.path, "http://deb.debian.org/debian"])
        guard made.status == 0 else { throw TestFailure("debootstrap failed: \(made.output.suffix(3000))") }
        let partial = tarball.appendingPathExtension("tmp")
        let packed = try run(["tar", "-C", root.path, "-cf", partial.path, "."])
        guard packed.status == 0 else { throw TestFailure("tar failed: \(packed.output)") }
        try fm.moveItem(at: partial, to: tarball)
        try? fm.removeItem(at: root)
    }
}
