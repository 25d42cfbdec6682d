import Foundation
import Resources
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// Ten sites on one machine, each agent running the real skupper-router 3.5.1 as its child process: a redundant star
/// of two hubs (h1, h2; h2 links to h1) and eight leaves (s3…s10) that each redeem one token from each hub. Every site
/// has a Connector `svc-<site>` to an echo server of its own and a Listener for the next site's routing key (a ring:
/// h1 listens for svc-h2, …, s10 for svc-h1), so every service is reached across the network. The harness of
/// `TenSiteNetworkTests` (its checks stay there) and of the bench's `network-scale` section, which also builds the
/// same network with fewer sites (`sites:`, the first of the names: one site is h1 alone, listening for its own
/// service) for its baselines. `stop()` (also run by deinit) stops every agent, and checks that no router of these
/// sites outlives its agent.
public final class TenSiteNetwork: @unchecked Sendable {
    /// The ten sites in order: the hubs first. Index `i` listens for the routing key of index `(i + 1) % 10`.
    public static let names = ["h1", "h2"] + (3...10).map { "s\($0)" }
    /// `SKUPPER_TEST_LOGS=DIR`: the agents log at debug level, and their logs are written to DIR when they stop.
    public static let logDirectory = ProcessInfo.processInfo.environment["SKUPPER_TEST_LOGS"].flatMap { $0.isEmpty ? nil : $0 }
    public static let hubs = [0, 1]
    public static let leaves = Array(2..<10)
    /// The Links the token names give: a Link is named for the token it was redeemed from.
    public static let linkToH1 = "to-h1", linkToH2 = "to-h2"

    /// Seconds with two decimals, for the run log.
    public static func seconds(_ interval: TimeInterval?) -> String {
        guard let interval else { return "not reached" }
        return String(format: "%.2f s", interval)
    }

    /// The run log's lines as the test prints them.
    public static func printReport(_ line: String) { print("TenSiteNetwork: \(line)") }

    // MARK: - Helpers the test support does not have

    /// A value shared by threads.
    public final class Locked<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Value
        public init(_ value: Value) { stored = value }
        public var value: Value { lock.withLock { stored } }
        public func update<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&stored) } }
    }

    /// Runs `body` for `0..<count`, each on a thread of its own (the work blocks: CLI runs, waits, sockets; a pool
    /// sized for this machine's two cores would run it two at a time), and returns the results in order.
    public static func parallel<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let results = Locked<[T?]>(Array(repeating: nil, count: count))
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                let value = body(index)
                results.update { $0[index] = value }
                group.leave()
            }.start()
        }
        group.wait()
        return results.value.map { $0! }
    }

    /// Polls `condition` every `interval` (status files: 100 ms, not `eventually`'s 10 ms, with ten agents on two
    /// cores) until it holds or `timeout` since `start` passed; the seconds since `start` when it held, or nil.
    public static func measure(timeout: TimeInterval, since start: Date = Date(), interval: TimeInterval = 0.1, _ condition: () -> Bool) -> TimeInterval? {
        let deadline = start.addingTimeInterval(timeout)
        while true {
            if condition() { return Date().timeIntervalSince(start) }
            if Date() >= deadline { return nil }
            usleep(useconds_t(interval * 1_000_000))
        }
    }

    /// Sends `payload` to 127.0.0.1:`port` and whether exactly `expected` comes back (an echo server's tag and the
    /// payload) within about `timeout`.
    public static func roundTrip(port: Int, payload: [UInt8], expected: [UInt8], timeout: TimeInterval) -> Bool {
        guard let fd = connectLoopback(port: port, timeout: timeout) else { return false }
        defer { close(fd) }
        guard payload.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == payload.count else { return false }
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < expected.count && Date() < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            received += buffer[..<count]
        }
        return received == expected
    }

    /// `count` different ports, each free on loopback now (`freePort()` twice in a row may give the same one).
    /// Ports free now, below the ephemeral range (a port the kernel handed out for a moment is soon handed out again
    /// to some outgoing connection, and a router listening on it later fails with "Address already in use").
    /// `excluding`: ports already handed out to this process's other uses.
    public static func distinctFreePorts(_ count: Int, excluding taken: Set<Int> = []) -> [Int] {
        var ports: [Int] = []
        while ports.count < count {
            let port = Int.random(in: 20_000..<31_000)
            if !ports.contains(port), !taken.contains(port), canListen(port) { ports.append(port) }
        }
        return ports
    }

    public static func canListen(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Writes the site's `runtime/state/identity.json` before its agent first starts, with router ports of its own.
    /// Otherwise every agent probes from 5671, 55671 and 45671 when it first starts, and agents started together (or
    /// another test's router already there) pick the same ports: all but one router exit with "required listener
    /// failed", and a management client may reach another site's router.
    public static func seedIdentity(_ site: TemporarySite, name: String, ports: ArraySlice<Int>) throws {
        let ports = Array(ports)
        try site.layout.createDirectories()
        let now = Date().timeIntervalSince1970
        let identity = SiteIdentity(
            siteId: UUID().uuidString.lowercased(),
            routerId: "\(name)-\(Int(now))-\(Int((now - now.rounded(.down)) * 1e9))",
            localPort: ports[0], interRouterPort: ports[1], edgePort: ports[2], hosts: ["localhost", "127.0.0.1"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let file = site.layout.state.appendingPathComponent("identity.json")
        try encoder.encode(identity).write(to: file)
        chmod(file.path, 0o600)
    }

    // MARK: - The network

    /// The sites' names, the first `sites` of `TenSiteNetwork.names`.
    public let names: [String]
    public let sites: [TemporarySite]
    public let echoes: [EchoServer]
    /// The port of site `i`'s Listener (for the routing key of site `i + 1`).
    public let listenerPorts: [Int]
    /// Each site's router ports (local, inter-router, edge), written into its identity before its agent starts.
    public let routerPorts: [Int]
    let scratch: ScratchDirectory
    public let arguments: [String]
    public private(set) var agents: [AgentProcess] = []
    private var stopped = false
    /// When the last `skupper token redeem` returned (one site: when every Site was Ready).
    public private(set) var lastRedeem = Date()
    /// Where the run log's lines go (`printReport`: standard output, as the test prints them).
    public let report: @Sendable (String) -> Void

    /// A network of the first `count` sites of `names` (ten: the redundant star); `logLevel`, the agents' (by default
    /// notice, or debug with `SKUPPER_TEST_LOGS`); `excludingPorts`, ports this process uses otherwise.
    public init(
        sites count: Int = 10, logLevel: String? = nil, excludingPorts: Set<Int> = [],
        report: @escaping @Sendable (String) -> Void = TenSiteNetwork.printReport
    ) throws {
        precondition((1...Self.names.count).contains(count), "1 to \(Self.names.count) sites")
        let names = Array(Self.names.prefix(count))
        self.names = names
        self.report = report
        sites = try names.map { _ in try TemporarySite() }
        // Tagged, so an answer says which site's server gave it: the ring's traffic reached the right site.
        echoes = try names.map { try EchoServer(tag: "\($0)!") }
        let ports = Self.distinctFreePorts(names.count * 4, excluding: excludingPorts)
        listenerPorts = Array(ports[..<names.count])
        routerPorts = Array(ports[names.count...])
        scratch = try ScratchDirectory()
        arguments = [
            "--platform", "process", "--router-path", try RealRouter.prefix().appendingPathComponent("sbin/skrouterd").path,
            "--log-level", logLevel ?? (Self.logDirectory != nil ? "debug" : "notice"),
        ]
    }

    deinit { stop() }

    public var all: [Int] { Array(sites.indices) }
    /// The hubs among these sites (h1, h2).
    public var hubs: [Int] { Self.hubs.filter { $0 < names.count } }
    /// The leaves among these sites (s3…).
    public var leaves: [Int] { Array(min(2, names.count)..<names.count) }

    /// The site whose routing key site `index` listens for: the next one, around the ring.
    public func next(_ index: Int) -> Int { (index + 1) % names.count }
    /// The routing key (and the Connector's name) of site `index`'s service.
    public func service(_ index: Int) -> String { "svc-\(names[index])" }

    // MARK: Building it

    /// Creates the sites, starts the agents, issues the hubs' tokens and redeems them; throws with the output and
    /// the agents' logs when a step fails.
    public func start() throws {
        let sites = sites, echoes = echoes, ports = listenerPorts, names = names, hubs = hubs, leaves = leaves
        let created = Self.parallel(sites.count) { index -> Result<CLIResult, any Error> in
            let hub = hubs.contains(index)
            return Result {
                try SkupperCLI.run(["site", "create", names[index]] + (hub ? ["--enable-link-access"] : []), site: sites[index], timeout: 30)
            }
        }
        for (index, result) in created.enumerated() {
            guard case .success(let output) = result, output.status == 0 else { throw TestFailure("site create \(names[index]): \(result)") }
        }
        for index in all {
            try sites[index].write(
                "\(service(index))-connector.yaml", ResourceYAML.connector(service(index), port: echoes[index].port, host: "127.0.0.1"))
            let listened = next(index)
            try sites[index].write(
                "\(service(listened))-listener.yaml", ResourceYAML.listener(service(listened), port: ports[index], host: "127.0.0.1"))
        }
        for index in all { try Self.seedIdentity(sites[index], name: names[index], ports: routerPorts[(index * 3)..<(index * 3 + 3)]) }
        // Separate processes: all ten start at once.
        let started = Date()
        for site in sites { agents.append(try AgentProcess(site: site, arguments: arguments)) }
        let ready = Self.parallel(sites.count) { index in
            TenSiteNetwork.measure(timeout: 40) { sites[index].status(.site, names[index])?.status.phase == .ready }
        }
        let notReady = all.filter { ready[$0] == nil }
        guard notReady.isEmpty else {
            throw TestFailure("sites not Ready within 40 s: \(notReady.map { names[$0] })\n\(describe(notReady))\n\(logs(notReady))")
        }
        let agentCount = names.count == 10 ? "ten agents" : names.count == 1 ? "one agent" : "\(names.count) agents"
        report("setup: \(agentCount) started, every Site Ready after \(Self.seconds(ready.compactMap { $0 }.max()))")
        guard names.count > 1 else {
            lastRedeem = Date()
            return
        }

        // h1's token serves h2 and the eight leaves, h2's the eight leaves.
        let tokenH1 = scratch.path("\(Self.linkToH1).yaml"), tokenH2 = scratch.path("\(Self.linkToH2).yaml")
        let phase = Date()
        try run(0, ["token", "issue", tokenH1, "--name", Self.linkToH1, "--redemptions-allowed", String(names.count - 1), "--timeout", "30s"])
        // h2 issues its token while it and the leaves redeem h1's.
        let issueH2: [(Int, [String])] =
            leaves.isEmpty
            ? [] : [(1, ["token", "issue", tokenH2, "--name", Self.linkToH2, "--redemptions-allowed", String(leaves.count), "--timeout", "30s"])]
        let first: [(Int, [String])] = issueH2 + ([1] + leaves).map { ($0, ["token", "redeem", tokenH1, "--timeout", "30s"]) }
        try runAll(first)
        if !leaves.isEmpty { try runAll(leaves.map { ($0, ["token", "redeem", tokenH2, "--timeout", "30s"]) }) }
        lastRedeem = Date()
        report(
            "setup: tokens issued and redeemed (\(names.count - 1) Links to h1, \(leaves.count) to h2) in \(Self.seconds(lastRedeem.timeIntervalSince(phase))); \(Self.seconds(lastRedeem.timeIntervalSince(started))) since the agents started"
        )

        // The Links are named for the tokens: the checks find them by these names.
        for index in [1] + leaves {
            let expected = index == 1 ? [Self.linkToH1] : [Self.linkToH1, Self.linkToH2]
            guard linkNames(index) == expected else {
                throw TestFailure("\(names[index]) has Links \(linkNames(index)), expected \(expected)\n\(logs([index]))")
            }
        }
    }

    /// Writes every site's `services.yaml` at once: `count` Connectors `svc-<site>-<n>` to the site's echo server
    /// (none when `connectors` is false) and `count` Listeners, on `ports[site]`, for the next site's keys.
    public func writeServices(count: Int, ports: [[Int]], connectors: Bool = true) throws {
        for index in all {
            let next = next(index)
            var documents: [String] = []
            if connectors {
                for number in 0..<count {
                    documents.append(ResourceYAML.connector("\(service(index))-\(number)", port: echoes[index].port, host: "127.0.0.1"))
                }
            }
            for number in 0..<count {
                documents.append(ResourceYAML.listener("\(service(next))-\(number)", port: ports[index][number], host: "127.0.0.1"))
            }
            try sites[index].saveAtomically("services.yaml", documents.joined(separator: "\n---\n") + "\n")
        }
    }

    /// Starts site `index`'s agent again (its earlier one stopped: `agents[index].stop()`), on the same directory;
    /// `logLevel`, when given, in place of the network's.
    public func restartAgent(_ index: Int, logLevel: String? = nil) throws {
        precondition(!agents[index].process.isRunning, "\(names[index])'s agent still runs")
        var arguments = arguments
        if let logLevel, let at = arguments.firstIndex(of: "--log-level") { arguments[at + 1] = logLevel }
        agents[index] = try AgentProcess(site: sites[index], arguments: arguments)
    }

    /// Runs `skupper <arguments>` on site `index`; throws with its output and the site's log when it fails.
    public func run(_ index: Int, _ arguments: [String]) throws {
        try runAll([(index, arguments)])
    }

    /// Runs several `skupper` commands at once, each on its site; throws with the failures' output and logs.
    public func runAll(_ commands: [(Int, [String])]) throws {
        let sites = sites
        let results = Self.parallel(commands.count) { job -> Result<CLIResult, any Error> in
            let (index, arguments) = commands[job]
            return Result { try SkupperCLI.run(arguments, site: sites[index], timeout: 45) }
        }
        var failures: [String] = []
        for (job, result) in results.enumerated() {
            let (index, arguments) = commands[job]
            switch result {
            case .success(let output) where output.status == 0: continue
            case .success(let output): failures.append("\(names[index]): skupper \(arguments.joined(separator: " ")): \(output)")
            case .failure(let error): failures.append("\(names[index]): skupper \(arguments.joined(separator: " ")): \(error)")
            }
        }
        guard failures.isEmpty else {
            let involved = Array(Set(commands.map(\.0)).union(hubs)).sorted()
            throw TestFailure(failures.joined(separator: "\n") + "\n" + logs(involved))
        }
    }

    // MARK: Reading it

    public func sitesInNetwork(_ index: Int) -> Int? {
        sites[index].status(.site, names[index]).flatMap { SiteStatusView($0.status).sitesInNetwork }
    }

    public func linkPhase(_ index: Int, _ link: String) -> ResourceStatus.Phase? {
        sites[index].status(.link, link)?.status.phase
    }

    /// The Links site `index` has statuses for.
    public func linkNames(_ index: Int) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sites[index].layout.status.path)) ?? [])
            .filter { $0.hasPrefix("Link-") && $0.hasSuffix(".yaml") }.map { String($0.dropFirst(5).dropLast(5)) }.sorted()
    }

    public var routerDirectories: [URL] { sites.map { $0.layout.routerConfig.deletingLastPathComponent() } }

    /// The pid in the site's `runtime/router/skrouterd.pid` (the process platform writes it).
    public func routerPid(_ index: Int) -> Int32? {
        (try? String(contentsOf: routerDirectories[index].appendingPathComponent("skrouterd.pid"), encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The router of site `index` when its pid file names a skrouterd running the site's configuration (never a
    /// pid the file kept after its router went: this pid is signalled).
    public func runningRouter(_ index: Int) -> Int32? {
        routerPid(index).flatMap { pid in routerProcesses().contains { $0.pid == pid && $0.site == index } ? pid : nil }
    }

    /// How the network came back after h1's router was killed: what the ten-site test checks and the bench reports.
    public struct Recovery: Sendable {
        /// The parts timed.
        public static let restarted = "router restarted", links = "Links to h1 Ready", traffic = "traffic through every Listener",
            sites = "every Site 10"
        /// The router killed, and when.
        public var pid: Int32
        public var killed: Date
        /// Seconds from the kill until each part last became true (a status still saying Ready from before the kill
        /// holds "at 0 s" until its agent notices), and until all held at once (nil: not within the timeout).
        public var parts: [String: TimeInterval] = [:]
        public var all: TimeInterval?
        /// Seconds from the kill until each site's Listener first carried an echo.
        public var echoed: [Int: TimeInterval] = [:]
        /// While it was down: the sites whose Link to h1 was seen not Ready, and those seen counting another number.
        public var linksSeenDown: Set<Int> = []
        public var sitesSeenOther: Set<Int> = []
        /// Seconds from the kill until each site last began to count them all.
        public var counted: [Int: TimeInterval] = [:]
    }

    /// SIGKILLs h1's router and polls until its agent started it again, every Link to h1 is Ready, every Listener
    /// carries an echo and every Site counts them all (at most `timeout`); nil when h1 has no running router.
    public func killH1RouterAndWatch(timeout: TimeInterval) -> Recovery? {
        guard let pid = runningRouter(0) else { return nil }
        let all = all, count = names.count, toH1 = [1] + leaves
        var recovery = Recovery(pid: pid, killed: Date())
        kill(pid, SIGKILL)
        recovery.all = Self.measure(timeout: timeout, since: recovery.killed) {
            let restarted = routerProcesses().contains { $0.site == 0 && $0.pid != pid }
            let newlyEchoing = echoing(all.filter { recovery.echoed[$0] == nil })
            let elapsed = Date().timeIntervalSince(recovery.killed)
            for index in newlyEchoing { recovery.echoed[index] = elapsed }
            let counted = all.filter { sitesInNetwork($0) == count }
            let ready = toH1.filter { linkPhase($0, Self.linkToH1) == .ready }
            recovery.linksSeenDown.formUnion(toH1.filter { !ready.contains($0) })
            recovery.sitesSeenOther.formUnion(all.filter { !counted.contains($0) })
            for index in all { recovery.counted[index] = counted.contains(index) ? recovery.counted[index] ?? elapsed : nil }
            let parts = [
                (Recovery.restarted, restarted), (Recovery.traffic, recovery.echoed.count == all.count), (Recovery.sites, counted.count == all.count),
                (Recovery.links, ready.count == toH1.count),
            ]
            for (name, holds) in parts {
                if !holds { recovery.parts[name] = nil } else if recovery.parts[name] == nil { recovery.parts[name] = elapsed }
            }
            return parts.allSatisfy(\.1)
        }
        return recovery
    }

    /// Every skrouterd running one of these sites' configurations (whoever started it), with the site's index:
    /// read from /proc, so a router whose pid file is gone is found too.
    public func routerProcesses() -> [(pid: Int32, site: Int)] {
        let configs = sites.map { $0.layout.routerConfig.path }
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.first?.hasSuffix("skrouterd") == true, let site = configs.firstIndex(where: { arguments.contains($0) }) else { return nil }
            return (pid, site)
        }
    }

    /// Which of `indices`' Listeners carry an echo to the next site's server now, tried at once (each try up to
    /// `timeout`).
    public func echoing(_ indices: [Int], timeout: TimeInterval = 1) -> Set<Int> {
        let ports = listenerPorts, names = names
        let payloads = indices.map { index in
            let payload = Array("\(names[index])->\(service(next(index)))".utf8)
            return (payload, Array("\(names[next(index)])!".utf8) + payload)
        }
        let works = Self.parallel(indices.count) { job -> Bool in
            Self.roundTrip(port: ports[indices[job]], payload: payloads[job].0, expected: payloads[job].1, timeout: timeout)
        }
        return Set(indices.indices.filter { works[$0] }.map { indices[$0] })
    }

    /// The sites' Site and Link statuses, one line each, for failure messages.
    public func describe(_ indices: [Int]) -> String {
        indices.map { index in
            let site = sites[index].status(.site, names[index])?.status
            let links = linkNames(index).map { link -> String in
                let status = sites[index].status(.link, link)?.status
                return "\(link)=\(status?.phase.rawValue ?? "-") (\(status?.message ?? ""))"
            }
            return
                "\(names[index]): Site \(site?.phase.rawValue ?? "no status") \"\(site?.message ?? "")\" sitesInNetwork=\(sitesInNetwork(index).map(String.init) ?? "-") router pid \(routerPid(index).map(String.init) ?? "-"); Links: \(links.joined(separator: ", "))"
        }.joined(separator: "\n")
    }

    /// The tails of the sites' agent and router logs, for failure messages.
    public func logs(_ indices: [Int], agentTail: Int = 2000, routerTail: Int = 1000) -> String {
        indices.map { index in
            let agent = index < agents.count ? agents[index].log : ""
            let router = (try? String(contentsOf: routerDirectories[index].appendingPathComponent("skrouterd.log"), encoding: .utf8)) ?? ""
            return "--- \(names[index]) skupperd.log (last \(agentTail) chars)\n\(agent.suffix(agentTail))\n"
                + "--- \(names[index]) skrouterd.log (last \(routerTail) chars)\n\(router.suffix(routerTail))"
        }.joined(separator: "\n")
    }

    // MARK: Taking it down

    /// What `stop()` found: the agents that did not exit 0 on SIGTERM, and the routers that outlived their agents
    /// (killed since).
    public struct StopOutcome: Sendable {
        public var unclean: [String]
        public var routersLeft: [(pid: Int32, site: Int)]
    }

    /// Stops every agent still running, at once (each stops its router), and then checks that no router of these
    /// sites is left: one that is, is killed, and named in the outcome (nil: the network was stopped already).
    @discardableResult
    public func stop() -> StopOutcome? {
        guard !stopped else { return nil }
        stopped = true
        // A router left stopped (SIGSTOP) would sit on its agent's SIGTERM until the agent's SIGKILL: continue it.
        for router in routerProcesses() { kill(router.pid, SIGCONT) }
        let running = agents.filter { $0.process.isRunning }
        let started = Date()
        let statuses = Self.parallel(running.count) { running[$0].stop(timeout: 15) }
        let unclean = zip(running, statuses).filter { $0.1 != 0 }.map { "pid \($0.0.pid) exited \($0.1)" }
        if let directory = Self.logDirectory {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, agent) in agents.enumerated() {
                try? agent.log.write(toFile: "\(directory)/\(names[index]).log", atomically: true, encoding: .utf8)
            }
        }
        _ = Self.measure(timeout: 5) { routerProcesses().isEmpty }
        let left = routerProcesses()
        report(
            "teardown: \(running.count) agents stopped in \(Self.seconds(Date().timeIntervalSince(started)))"
                + (unclean.isEmpty ? "" : ", not cleanly: \(unclean)") + "; routers left: \(left.count)")
        for router in left { kill(router.pid, SIGKILL) }
        return StopOutcome(unclean: unclean, routersLeft: left)
    }
}

/// A scratch directory for token files and the like, removed afterwards.
public final class ScratchDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = URL(fileURLWithPath: "/tmp").appendingPathComponent("skcli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
