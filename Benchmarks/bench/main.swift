// `bench`: benchmarks of skupperd, each figure beside a baseline measured in the same run.
// Run with a release build as the README builds it (packaging/release-build-flags): .build/release/bench [--quick] [--json FILE] [--only SECTIONS]
import Certificates
import Foundation
import Resources
import TestSupport

let arguments = CommandLine.arguments
let quick = arguments.contains("--quick")
let jsonPath = arguments.firstIndex(of: "--json").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
var rows: [Row] = []
/// `--only startup,scale,memory,redemption,network,rotation,live-scale,network-scale,console` runs some sections only.
let sections = arguments.firstIndex(of: "--only").flatMap {
    arguments.indices.contains($0 + 1) ? Set(arguments[$0 + 1].split(separator: ",").map(String.init)) : nil
}
func selected(_ section: String) -> Bool { sections?.contains(section) ?? true }

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

/// Time from spawning `systemd-notify --ready` to its READY=1: the floor for "start to ready".
func baselineReady() throws -> Double {
    let socket = try NotifySocket()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-notify")
    process.arguments = ["--ready", "--no-block"]
    process.environment = ["NOTIFY_SOCKET": socket.path]
    let start = Measure.now()
    try process.run()
    var seen: [String] = []
    _ = socket.waitFor(timeout: 10, seen: &seen) { $0.contains("READY=1") }
    let elapsed = Measure.milliseconds(since: start)
    process.waitUntilExit()
    return elapsed
}

/// Starts skupperd on `site` and returns the time to READY=1 with the running agent. `asUnit`: as a systemd unit
/// runs it, with only NOTIFY_SOCKET and systemd's PATH in its environment (and `--log-level warning`).
func startAgent(_ site: TemporarySite, asUnit: Bool = false) throws -> (Double, AgentProcess) {
    let socket = try NotifySocket()
    let start = Measure.now()
    let agent = try AgentProcess(
        site: site, arguments: asUnit ? ["--log-level", "warning"] : [], environment: ["NOTIFY_SOCKET": socket.path],
        inheritEnvironment: !asUnit)
    var seen: [String] = []
    guard socket.waitFor(timeout: 300, seen: &seen, { $0.contains("READY=1") }) != nil else {
        throw TestFailure("skupperd did not become ready: \(agent.log.suffix(2000))")
    }
    return (Measure.milliseconds(since: start), agent)
}

func populated(_ resources: Int, files: Int) throws -> TemporarySite {
    let site = try TemporarySite()
    if resources > 0 { try BenchFixtures.populate(site.layout, resources: resources, files: files) }
    return site
}

/// The file system's own floor for a cold start: creating `count` small files atomically (temporary file, then
/// rename), as the agent must for the status files, in a fresh directory of the same file system.
func fileSystemFloor(count: Int) throws -> Double {
    let site = try TemporarySite()
    let directory = site.layout.root.appendingPathComponent("floor").path
    mkdir(directory, 0o755)
    let bytes = [UInt8](repeating: 0x61, count: 400)
    let start = Measure.now()
    for index in 0..<count {
        let temporary = "\(directory)/.Listener-l\(index).yaml.tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestFailure("cannot create \(temporary)") }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        rename(temporary, "\(directory)/Listener-l\(index).yaml")
    }
    return Measure.milliseconds(since: start)
}

// MARK: Startup

let baselineRuns = (0..<5).map { _ in (try? baselineReady()) ?? .nan }
let baseline = Measure.median(baselineRuns)
if selected("startup") {
    for (label, count, files, target) in [("empty directory", 0, 0, 100.0), ("1,000 resources", 1000, 10, 1000.0)] {
        var samples: [Double] = []
        for _ in 0..<(quick ? 2 : 5) {
            let site = try populated(count, files: files)
            let (elapsed, agent) = try startAgent(site)
            agent.stop()
            samples.append(elapsed)
        }
        let value = Measure.median(samples)
        rows.append(
            Row(
                benchmark: "startup to READY=1", case_: label, value: value, unit: "ms", baseline: baseline,
                baselineName: "systemd-notify --ready", target: "< \(Int(target)) ms", met: value < target))
        log("startup \(label): \(samples.map { String(format: "%.1f", $0) })")
    }

}

// MARK: Scale: the same measures at 1,000, 10,000 and 50,000 resources

/// Whether a file holds `text`, found with memchr and memcmp (a 10 MB configuration is searched in a millisecond or
/// two, so the search does not stand in the figure it measures).
func fileContains(_ path: String, _ text: String) -> Bool {
    guard let data = FileManager.default.contents(atPath: path) else { return false }
    let needle = Array(text.utf8)
    return data.withUnsafeBytes { haystack in
        guard let base = haystack.baseAddress, let first = needle.first else { return false }
        var offset = 0
        while offset + needle.count <= haystack.count {
            guard let hit = memchr(base + offset, Int32(first), haystack.count - offset - needle.count + 1) else { return false }
            let at = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + at, needle, needle.count) == 0 { return true }
            offset = at + 1
        }
        return false
    }
}

/// Whether the sites of this run live on tmpfs: the issue's 1.5x-the-floor target is for a disk, and on tmpfs the ratio
/// is reported without it (the absolute cold-start targets are tmpfs's).
func sitesOnTmpfs() -> Bool {
    let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        .resolvingSymlinksInPath().path
    // The mount holding the directory: the longest mount point it lies under (fields: device, mount point, type).
    let mounts = ((try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? "").split(separator: "\n").map { $0.split(separator: " ") }
    let holder = mounts.filter { $0.count > 2 && (directory == $0[1] || directory.hasPrefix($0[1] == "/" ? "/" : "\($0[1])/")) }
        .max { $0[1].count < $1[1].count }
    return holder?[2] == "tmpfs"
}

if selected("scale") {
    let onTmpfs = sitesOnTmpfs()
    var emptyAnonymous = Double.nan
    do {
        let site = try populated(0, files: 0)
        let (_, agent) = try startAgent(site, asUnit: true)
        sleep(1)
        emptyAnonymous = Measure.memory(pid: agent.pid).anonymous
        let rss = Measure.memory(pid: agent.pid).rss
        agent.stop()
        rows.append(
            Row(
                benchmark: "idle RSS, launched as a systemd unit", case_: "0 resources", value: rss, unit: "MiB", baseline: nil, baselineName: nil,
                target: "< 20 MiB", met: rss < 20))
    }
    var perDrop: [Int: Double] = [:]
    // Idle anonymous RSS above the empty agent's, by size: the cost of one more resource is the slope between sizes
    // (the target is 1 KiB per resource plus a fixed part).
    var anonymousAbove: [(count: Int, mebibytes: Double)] = []
    for count in quick ? [1000, 10_000] : [1000, 10_000, 50_000] {
        let runs = count >= 50_000 || quick ? 1 : 3
        var cold: [Double] = [], warm: [Double] = [], floors: [Double] = [], ratios: [Double] = []
        var dropTimes: [Double] = [], configTimes: [Double] = [], watcherTimes: [Double] = []
        var anonymous: [Double] = [], peaks: [Double] = [], idleRSS = Double.nan
        for run in 0..<runs {
            // The floor paired with this cold start: as many files created atomically, on the same file system, just before.
            let floor = try fileSystemFloor(count: count + 1)
            let site = try populated(count, files: max(1, count / 100))
            let (elapsed, agent) = try startAgent(site, asUnit: true)
            cold.append(elapsed)
            floors.append(floor)
            ratios.append(elapsed / floor)
            sleep(1)
            anonymous.append(Measure.memory(pid: agent.pid).anonymous)
            if run == 0 {
                idleRSS = Measure.memory(pid: agent.pid).rss
                // The peak from here on is the drops' (the kernel resets VmHWM to the current RSS).
                try? "5".write(toFile: "/proc/\(agent.pid)/clear_refs", atomically: false, encoding: .utf8)
                let statusWaiter = InotifyWaiter(directory: site.layout.status.path)
                let configWaiter = InotifyWaiter(directory: site.layout.routerDirectory.path)
                let watcher = try InotifywaitProcess(directory: site.layout.inputResources.path)
                for index in 0..<(quick ? 30 : 200) {
                    let name = "drop\(index)"
                    let staging = site.layout.root.appendingPathComponent("\(name).yaml")
                    try BenchFixtures.listener(60_000 + index).replacingOccurrences(of: "name: l\(60_000 + index)", with: "name: \(name)")
                        .write(to: staging, atomically: false, encoding: .utf8)
                    let start = Measure.now()
                    rename(staging.path, site.layout.inputResources.appendingPathComponent("\(name).yaml").path)
                    guard watcher.wait(for: "\(name).yaml", timeout: 10) else { throw TestFailure("inotifywait did not see \(name)") }
                    watcherTimes.append(Measure.milliseconds(since: start))
                    guard statusWaiter.wait(for: "Listener-\(name).yaml", timeout: 10) else { throw TestFailure("no status for \(name)") }
                    dropTimes.append(Measure.milliseconds(since: start))
                    // The router configuration follows (beside the agent's loop when it is large).
                    var written = false
                    for _ in 0..<1000 where !written {
                        written = fileContains(site.layout.routerConfig.path, "\"listener/\(name)\"")
                        if !written { _ = configWaiter.wait(for: "skrouterd.json", timeout: 0.01) }
                    }
                    guard written else { throw TestFailure("\(name) never reached the router configuration") }
                    configTimes.append(Measure.milliseconds(since: start))
                    usleep(5_000)
                }
                peaks.append(Measure.memory(pid: agent.pid).peak)
            }
            agent.stop()
            // A restart on the same directory, in every run (the first run's site has the drops' 100 listeners more):
            // status files and router configuration on disk are current.
            let (again, restarted) = try startAgent(site, asUnit: true)
            restarted.stop()
            warm.append(again)
        }
        let label = "\(count.formatted()) resources (\(count / 2) matched listener/connector pairs)"
        let coldValue = Measure.median(cold)
        let coldTarget: Double? = count == 10_000 ? 300 : count == 50_000 ? 1500 : nil
        rows.append(
            Row(
                benchmark: "cold start to READY=1", case_: label, value: coldValue, unit: "ms", baseline: Measure.median(floors),
                baselineName: "creating \((count + 1).formatted()) files atomically just before, same file system",
                target: coldTarget.map { "< \(Int($0)) ms" }, met: coldTarget.map { coldValue < $0 }))
        rows.append(
            Row(
                benchmark: "cold start / paired floor (median of the runs' ratios)", case_: label, value: Measure.median(ratios), unit: "x",
                baseline: nil, baselineName: nil, target: onTmpfs ? nil : "<= 1.5x (on disk)", met: onTmpfs ? nil : Measure.median(ratios) <= 1.5))
        rows.append(
            Row(
                benchmark: "restart to READY=1 (runtime/ kept, median of the runs)", case_: label, value: Measure.median(warm), unit: "ms",
                baseline: coldValue, baselineName: "the cold start (median of the runs)", target: "< cold start", met: Measure.median(warm) < coldValue))
        let p99 = Measure.quantile(dropTimes, 0.99)
        perDrop[count] = p99
        rows.append(
            Row(
                benchmark: "drop to status p50", case_: label, value: Measure.median(dropTimes), unit: "ms",
                baseline: Measure.median(watcherTimes), baselineName: "inotifywait sees the drop"))
        let within = perDrop[1000].map { p99 <= 3 * $0 } ?? true
        rows.append(
            Row(
                benchmark: "drop to status p99", case_: label, value: p99, unit: "ms", baseline: perDrop[1000],
                baselineName: "the same at 1,000 resources", target: count == 50_000 ? "< 20 ms, <= 3x the 1,000 figure" : nil,
                met: count == 50_000 ? p99 < 20 && within : nil))
        rows.append(
            Row(
                benchmark: "drop to router configuration p99", case_: label, value: Measure.quantile(configTimes, 0.99), unit: "ms",
                baseline: Measure.quantile(watcherTimes, 0.99), baselineName: "inotifywait sees the drop"))
        anonymousAbove.append((count, Measure.median(anonymous) - emptyAnonymous))
        let perResource = (Measure.median(anonymous) - emptyAnonymous) * 1024 / Double(count)
        // The target is 1 KiB per resource plus a fixed part: what the agent holds once it has any resources at all
        // (a second malloc arena, the workers' buffers) is in this average, so the slopes below are what it is judged by.
        rows.append(
            Row(
                benchmark: "anonymous RSS per resource (idle, above the empty agent's; the fixed part included)", case_: label, value: perResource,
                unit: "KiB", baseline: emptyAnonymous, baselineName: "the empty agent's anonymous RSS, MiB"))
        if let peak = peaks.first {
            rows.append(
                Row(
                    benchmark: "peak RSS during the drops", case_: label, value: peak, unit: "MiB", baseline: idleRSS,
                    baselineName: "idle RSS before them", target: "<= 1.2x", met: peak <= 1.2 * idleRSS))
        }
        log(
            "scale \(count): cold \(cold.map { String(format: "%.0f", $0) }) floors \(floors.map { String(format: "%.0f", $0) }) restart \(warm.map { String(format: "%.0f", $0) })"
        )
    }
    for (smaller, larger) in zip(anonymousAbove, anonymousAbove.dropFirst()) {
        let slope = (larger.mebibytes - smaller.mebibytes) * 1024 / Double(larger.count - smaller.count)
        rows.append(
            Row(
                benchmark: "anonymous RSS per added resource (slope between sizes)",
                case_: "\(smaller.count.formatted()) to \(larger.count.formatted()) resources",
                value: slope, unit: "KiB", baseline: smaller.mebibytes, baselineName: "anonymous RSS above the empty agent's at the smaller size, MiB",
                target: "<= 1 KiB", met: slope <= 1))
    }
    if !quick {
        // One file of 100,000 documents (13 MB, under the 16 MiB limit): the whole file is parsed at once.
        let site = try populated(100_000, files: 1)
        let (_, agent) = try startAgent(site, asUnit: true)
        sleep(1)
        let memory = Measure.memory(pid: agent.pid)
        agent.stop()
        rows.append(
            Row(
                benchmark: "peak RSS loading one file of 100,000 documents", case_: "100,000 resources in one file", value: memory.peak, unit: "MiB",
                baseline: memory.rss, baselineName: "idle RSS after it", target: "< 400 MiB", met: memory.peak < 400))
    }
}

// MARK: Memory

if selected("memory") {
    let sleeper = Process()
    sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
    sleeper.arguments = ["60"]
    try sleeper.run()
    usleep(200_000)
    let baselineRSS = Measure.memory(pid: sleeper.processIdentifier).rss
    let baselineAnonymous = Measure.memory(pid: sleeper.processIdentifier).anonymous
    kill(sleeper.processIdentifier, SIGKILL)
    sleeper.waitUntilExit()
    for (label, count) in [("0 resources", 0), ("1,000 resources", 1000), ("10,000 resources", 10_000)] {
        let site = try populated(count, files: max(1, count / 100))
        let (_, agent) = try startAgent(site)
        sleep(2)
        let memory = Measure.memory(pid: agent.pid)
        agent.stop()
        rows.append(
            Row(
                benchmark: "idle RSS", case_: label, value: memory.rss, unit: "MiB", baseline: baselineRSS, baselineName: "sleep(1)",
                target: count == 0 ? "< 20 MiB" : nil, met: count == 0 ? memory.rss < 20 : nil))
        rows.append(Row(benchmark: "peak RSS", case_: label, value: memory.peak, unit: "MiB", baseline: baselineRSS, baselineName: "sleep(1)"))
        rows.append(
            Row(
                benchmark: "idle anonymous RSS (RSS without file-backed pages)", case_: label, value: memory.anonymous, unit: "MiB",
                baseline: baselineAnonymous, baselineName: "sleep(1)"))
    }
}

// MARK: Grant redemption

if selected("redemption") {
    let port = freePort()
    let site = try TemporarySite()
    try site.write(
        "site.yaml",
        BenchFixtures.site + """
            ---
            apiVersion: skupper.io/v2alpha1
            kind: AccessGrant
            metadata: {name: bench}
            spec: {redemptionsAllowed: 100000000, expirationWindow: 24h}
            """)
    let agent = try AgentProcess(
        site: site,
        arguments: [
            "--grant-server-port", String(port), "--grant-server-bind", "127.0.0.1",
            "--grant-server-host", "127.0.0.1", "--log-level", "warning",
        ])
    guard site.eventually(timeout: 30, { site.status(.accessGrant, "bench")?.status.phase == .ready }),
        let status = site.status(.accessGrant, "bench")?.status,
        let url = status.field("url")?.text, let ca = status.field("ca")?.text, let code = status.field("code")?.text
    else {
        throw TestFailure("grant not ready: \(agent.log.suffix(2000))")
    }
    let duration = quick ? 3.0 : 10.0

    // Baseline: TLS 1.3 handshakes (plus a tiny HTTP answer) against openssl s_server with a certificate of the same
    // kind, run beside the agent and measured alternately with it at each client count.
    let authority = try CertificateAuthority.generate(commonName: "bench-ca")
    let credentials = try authority.issue(commonName: "localhost", hosts: ["127.0.0.1"], usage: .server)
    try credentials.write(to: site.layout.root.appendingPathComponent("sserver"))
    let basePort = freePort()
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    let directory = site.layout.root.appendingPathComponent("sserver").path
    server.arguments = [
        "s_server", "-quiet", "-accept", "127.0.0.1:\(basePort)", "-cert", "\(directory)/tls.crt", "-key", "\(directory)/tls.key",
        "-tls1_3", "-www",
    ]
    server.standardOutput = FileHandle.nullDevice
    server.standardError = FileHandle.nullDevice
    try server.run()
    usleep(500_000)
    for clients in [16, 64] {
        let redemption = try await RedemptionLoad.run(url: url, caPEM: ca, body: code, clients: clients, seconds: duration)
        let handshakes = try await RedemptionLoad.run(
            url: "https://127.0.0.1:\(basePort)/", caPEM: authority.certificatePEM, body: nil,
            clients: clients, seconds: duration)
        rows.append(
            Row(
                benchmark: "grant redemptions per second (\(clients) TLS clients, fresh client certificate each)", case_: "loopback",
                value: redemption.rate, unit: "1/s", baseline: handshakes.rate, baselineName: "openssl s_server TLS handshakes/s",
                target: ">= 0.8 x baseline", met: redemption.rate >= 0.8 * handshakes.rate))
        let p99 = Measure.quantile(redemption.latencies, 0.99), baseP99 = Measure.quantile(handshakes.latencies, 0.99)
        rows.append(
            Row(
                benchmark: "grant redemption p99 latency (\(clients) clients)", case_: "loopback", value: p99, unit: "ms",
                baseline: baseP99, baselineName: "openssl s_server request p99", target: "<= 2 x baseline", met: p99 <= 2 * baseP99))
        log(
            "\(clients) clients: redemptions \(redemption.completed) ok, \(redemption.failed) failed; s_server \(handshakes.completed) ok, \(handshakes.failed) failed"
        )
    }
    agent.stop()
    // SIGKILL: children of this process may inherit a signal mask that blocks SIGTERM.
    kill(server.processIdentifier, SIGKILL)
    server.waitUntilExit()
}

// MARK: The real network: live changes, flows, throughput

if selected("network") {
    let services = 1000
    let drops = quick ? 8 : 25
    let echo = try EchoServer()
    var live: [Double] = [], restarted: [Double] = [], floor: [Double] = [], local: [Double] = []
    var dropped = 0, droppedByRestart = 0
    let streamCount = 16, changes = quick ? 2 : 4
    var throughputs: [Double] = [], directs: [Double] = []
    for restartOnChange in [false, true] {
        let network = try BenchNetwork(services: services, restartOnChange: restartOnChange)
        defer { network.stop() }
        var samples: [Double] = []
        for index in 0..<drops {
            samples.append(try network.dropPair("drop\(index)", port: 41_000 + index, target: echo.port))
            usleep(300_000)
        }
        log("drop to traffic (\(restartOnChange ? "router restart" : "management")): \(samples.map { String(format: "%.0f", $0) })")
        if !restartOnChange {
            for index in 0..<drops {
                local.append(try network.dropPair("local\(index)", port: 44_000 + index, target: echo.port, sameSite: true))
                usleep(300_000)
            }
            log("drop to traffic (one site): \(local.map { String(format: "%.0f", $0) })")
            for index in 0..<drops {
                floor.append(try await network.dropPairDirectly("direct\(index)", port: 43_000 + index, target: echo.port))
                usleep(300_000)
            }
            log("drop to traffic (directly through management, no agent): \(floor.map { String(format: "%.0f", $0) })")
        }
        var streams: [TCPStream] = []
        for _ in 0..<streamCount { if let stream = TCPStream(port: 41_000) { streams.append(stream) } }
        let lost = try network.flowsDropped(streams: streams, changes: changes, echoPort: echo.port) + (streamCount - streams.count)
        if restartOnChange {
            restarted = samples
            droppedByRestart = lost
        } else {
            live = samples
            dropped = lost
            let sink = try CountingSink()
            _ = try network.dropPair("sink", port: 42_000, target: sink.port, echo: false)
            for _ in 0..<(quick ? 2 : 3) {
                throughputs.append(try CountingSink.throughput(port: 42_000, megabytes: quick ? 200 : 500))
                directs.append(try CountingSink.throughput(port: sink.port, megabytes: quick ? 200 : 500))
            }
        }
    }
    let label = "\(services.formatted()) services loaded, two linked sites"
    rows.append(
        Row(
            benchmark: "Listener+Connector drop to traffic p50 (through management)", case_: label, value: Measure.median(live), unit: "ms",
            baseline: Measure.median(restarted), baselineName: "the same change by router restart"))
    rows.append(
        Row(
            benchmark: "Listener+Connector drop to traffic p99 (through management)", case_: label, value: Measure.quantile(live, 0.99), unit: "ms",
            baseline: Measure.quantile(restarted, 0.99), baselineName: "the same change by router restart",
            target: "< 100 ms", met: Measure.quantile(live, 0.99) < 100))
    rows.append(
        Row(
            benchmark: "Listener+Connector drop to traffic p50 (through management)", case_: label, value: Measure.median(live), unit: "ms",
            baseline: Measure.median(floor), baselineName: "the router's floor: the same entities created directly through management"))
    rows.append(
        Row(
            benchmark: "Listener+Connector drop to traffic p99, both on one site (the agent's path, no router-to-router propagation)",
            case_: "1,000 services loaded", value: Measure.quantile(local, 0.99), unit: "ms",
            baseline: Measure.quantile(restarted, 0.99), baselineName: "the two-site change by router restart",
            target: "< 100 ms", met: Measure.quantile(local, 0.99) < 100))
    rows.append(
        Row(
            benchmark: "TCP flows dropped by unrelated changes (\(streamCount) open, \(changes) add+remove)", case_: label, value: Double(dropped),
            unit: "flows",
            baseline: Double(droppedByRestart), baselineName: "the same changes by router restart", target: "0", met: dropped == 0))
    rows.append(
        Row(
            benchmark: "TCP throughput through two routers", case_: "loopback, one stream", value: Measure.median(throughputs), unit: "MB/s",
            baseline: Measure.median(directs), baselineName: "the same stream direct on loopback"))
}

// MARK: Certificate rotation on a linked pair (RotationBench.swift)

if selected("rotation") {
    let services = 1000, rotations = 2, streams = 16
    let echo = try EchoServer()
    var results: [Bool: RotationBench.Result] = [:]
    for restartOnChange in [false, true] {
        let network = try BenchNetwork(services: services, restartOnChange: restartOnChange)
        defer { network.stop() }
        results[restartOnChange] = try RotationBench.run(network, rotations: rotations, streams: streams, echoPort: echo.port)
        log(
            "rotation (\(restartOnChange ? "router restart" : "live")): served after \(results[restartOnChange]!.serve.map { String(format: "%.0f", $0) }) ms, \(results[restartOnChange]!.dropped) flows dropped"
        )
    }
    let live = results[false]!, restarted = results[true]!
    let label = "\(services.formatted()) services loaded, two linked sites, \(rotations) rotations"
    rows.append(
        Row(
            benchmark: "Server certificate replaced in input/certs until the inter-router port serves it, p50", case_: label,
            value: Measure.median(live.serve), unit: "ms", baseline: Measure.median(restarted.serve), baselineName: "the same rotation by router restart"))
    rows.append(
        Row(
            benchmark: "TCP flows dropped by certificate rotations (\(streams) open through the link)", case_: label, value: Double(live.dropped),
            unit: "flows", baseline: Double(restarted.dropped), baselineName: "the same rotations by router restart", target: "0",
            met: live.dropped == 0))
}

// MARK: Live changes at scale: one site, its real router, 200 and 2,000 services

if selected("live-scale") {
    let drops = quick ? 10 : 40
    var results: [Int: (agent: [Double], floor: [Double])] = [:]
    for services in [200, 2000] {
        results[services] = try await LiveScaleBench.run(services: services, drops: drops)
        log(
            "live-scale \(services): agent \(results[services]!.agent.map { String(format: "%.0f", $0) }), floor \(results[services]!.floor.map { String(format: "%.0f", $0) })"
        )
    }
    for services in [200, 2000] {
        let result = results[services]!
        rows.append(
            Row(
                benchmark: "Listener+Connector drop to its port accepting, p99 (one site, process platform, real router)",
                case_: "\(services.formatted()) services loaded", value: Measure.quantile(result.agent, 0.99), unit: "ms",
                baseline: Measure.quantile(result.floor, 0.99), baselineName: "the router's floor: the same entities created directly through management"))
    }
    let small = Measure.quantile(results[200]!.agent, 0.99), large = Measure.quantile(results[2000]!.agent, 0.99)
    rows.append(
        Row(
            benchmark: "the same p99 at 2,000 services / at 200", case_: "\(drops) drops each", value: large / small, unit: "x",
            baseline: Measure.quantile(results[2000]!.floor, 0.99) / Measure.quantile(results[200]!.floor, 0.99),
            baselineName: "the floor's own ratio", target: "<= 3x", met: large / small <= 3))
}

// MARK: The network console: first paint, updates, API latency, idle memory (ConsoleBench.swift)

if selected("console") {
    rows += try await ConsoleBench.run(quick: quick)
}

// MARK: Ten sites: converging, healing, leaving, idle CPU, status sizes (NetworkScaleBench.swift)

if selected("network-scale") {
    rows += try await NetworkScaleBench.run(quick: quick)
}

// MARK: Report

func format(_ value: Double?) -> String { value.map { $0.isNaN ? "-" : String(format: "%.2f", $0) } ?? "-" }
var table = "| benchmark | case | value | baseline | ratio | target | met |\n|---|---|---|---|---|---|---|\n"
for row in rows {
    let baselineText = row.baseline.map { "\(format($0)) \(row.unit) (\(row.baselineName ?? ""))" } ?? "-"
    table +=
        "| \(row.benchmark) | \(row.case_) | \(format(row.value)) \(row.unit) | \(baselineText) | \(format(row.ratio)) | \(row.target ?? "-") | \(row.met.map { $0 ? "yes" : "NO" } ?? "-") |\n"
}
print(table)
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
// A figure not reached (a timeout) is NaN: "nan" in the JSON, "-" in the table.
encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
let json = try encoder.encode(rows)
if let jsonPath { try json.write(to: URL(fileURLWithPath: jsonPath)) } else { print(String(decoding: json, as: UTF8.self)) }
