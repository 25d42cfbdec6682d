import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Ten sites on one machine, each agent running the real skupper-router 3.5.1 as its child process: a redundant star
/// of two hubs (h1, h2; h2 links to h1) and eight leaves (s3…s10) that each redeem one token from each hub. Every site
/// has a Connector `svc-<site>` to an echo server of its own and a Listener for the next site's routing key (a ring:
/// h1 listens for svc-h2, …, s10 for svc-h1), so every service is reached across the network. Measured and printed:
/// how long the network takes to form, to carry traffic, to recover from a hub's router killed, to notice a leaf
/// gone, and to notice a hub's router stopped (SIGSTOP) and continued.
@Suite("Ten sites in a redundant star, real routers run by their agents", .serialized)
struct TenSiteNetworkTests {
    /// The sites in order: the hubs first. Index `i` listens for the routing key of index `(i + 1) % 10`.
    static let names = ["h1", "h2"] + (3...10).map { "s\($0)" }
    /// `SKUPPER_TEST_LOGS=DIR`: the agents log at debug level, and their logs are written to DIR when they stop.
    static let logDirectory = ProcessInfo.processInfo.environment["SKUPPER_TEST_LOGS"].flatMap { $0.isEmpty ? nil : $0 }
    static let hubs = [0, 1]
    static let leaves = Array(2..<10)
    /// The Links the token names give: a Link is named for the token it was redeemed from.
    static let linkToH1 = "to-h1", linkToH2 = "to-h2"

    static func next(_ index: Int) -> Int { (index + 1) % names.count }
    static func service(_ index: Int) -> String { "svc-\(names[index])" }

    /// Seconds with two decimals, for the run log.
    static func seconds(_ interval: TimeInterval?) -> String {
        guard let interval else { return "not reached" }
        return String(format: "%.2f s", interval)
    }

    static func report(_ line: String) { print("TenSiteNetwork: \(line)") }

    // MARK: - Helpers the test support does not have

    /// A value shared by threads.
    final class Locked<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Value
        init(_ value: Value) { stored = value }
        var value: Value { lock.withLock { stored } }
        func update<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&stored) } }
    }

    /// Runs `body` for `0..<count`, each on a thread of its own (the work blocks: CLI runs, waits, sockets; a pool
    /// sized for this machine's two cores would run it two at a time), and returns the results in order.
    static func parallel<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
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
    static func measure(timeout: TimeInterval, since start: Date = Date(), interval: TimeInterval = 0.1, _ condition: () -> Bool) -> TimeInterval? {
        let deadline = start.addingTimeInterval(timeout)
        while true {
            if condition() { return Date().timeIntervalSince(start) }
            if Date() >= deadline { return nil }
            usleep(useconds_t(interval * 1_000_000))
        }
    }

    /// Sends `payload` to 127.0.0.1:`port` and whether exactly `expected` comes back (an echo server's tag and the
    /// payload) within about `timeout`.
    static func roundTrip(port: Int, payload: [UInt8], expected: [UInt8], timeout: TimeInterval) -> Bool {
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
    static func distinctFreePorts(_ count: Int) -> [Int] {
        var ports: [Int] = []
        while ports.count < count {
            let port = Int.random(in: 20_000..<31_000)
            if !ports.contains(port), canListen(port) { ports.append(port) }
        }
        return ports
    }

    static func canListen(_ port: Int) -> Bool {
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
    static func seedIdentity(_ site: TemporarySite, name: String, ports: ArraySlice<Int>) throws {
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

    /// The ten sites, their agents, echo servers and listener ports. `stop()` (also run by deinit) stops every agent,
    /// and checks that no router of these sites outlives its agent.
    final class Network: @unchecked Sendable {
        let sites: [TemporarySite]
        let echoes: [EchoServer]
        /// The port of site `i`'s Listener (for the routing key of site `i + 1`).
        let listenerPorts: [Int]
        /// Each site's router ports (local, inter-router, edge), written into its identity before its agent starts.
        let routerPorts: [Int]
        let scratch: ScratchDirectory
        let arguments: [String]
        private(set) var agents: [AgentProcess] = []
        private var stopped = false
        /// When the last `skupper token redeem` returned.
        private(set) var lastRedeem = Date()

        init() throws {
            sites = try names.map { _ in try TemporarySite() }
            // Tagged, so an answer says which site's server gave it: the ring's traffic reached the right site.
            echoes = try names.map { try EchoServer(tag: "\($0)!") }
            let ports = distinctFreePorts(names.count * 4)
            listenerPorts = Array(ports[..<names.count])
            routerPorts = Array(ports[names.count...])
            scratch = try ScratchDirectory()
            arguments = [
                "--platform", "process", "--router-path", try RealRouter.prefix().appendingPathComponent("sbin/skrouterd").path,
                "--log-level", TenSiteNetworkTests.logDirectory != nil ? "debug" : "notice",
            ]
        }

        deinit { stop(recording: false) }

        var all: [Int] { Array(sites.indices) }

        // MARK: Building it

        /// Creates the sites, starts the agents, issues the hubs' tokens and redeems them; throws with the output and
        /// the agents' logs when a step fails.
        func start() throws {
            let sites = sites, echoes = echoes, ports = listenerPorts
            let created = parallel(sites.count) { index -> Result<CLIResult, any Error> in
                let hub = TenSiteNetworkTests.hubs.contains(index)
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
                let next = TenSiteNetworkTests.next(index)
                try sites[index].write("\(service(next))-listener.yaml", ResourceYAML.listener(service(next), port: ports[index], host: "127.0.0.1"))
            }
            for index in all { try seedIdentity(sites[index], name: names[index], ports: routerPorts[(index * 3)..<(index * 3 + 3)]) }
            // Separate processes: all ten start at once.
            let started = Date()
            for site in sites { agents.append(try AgentProcess(site: site, arguments: arguments)) }
            let ready = parallel(sites.count) { index in
                TenSiteNetworkTests.measure(timeout: 40) { sites[index].status(.site, names[index])?.status.phase == .ready }
            }
            let notReady = all.filter { ready[$0] == nil }
            guard notReady.isEmpty else {
                throw TestFailure("sites not Ready within 40 s: \(notReady.map { names[$0] })\n\(describe(notReady))\n\(logs(notReady))")
            }
            report("setup: ten agents started, every Site Ready after \(seconds(ready.compactMap { $0 }.max()))")

            // h1's token serves h2 and the eight leaves, h2's the eight leaves.
            let tokenH1 = scratch.path("\(linkToH1).yaml"), tokenH2 = scratch.path("\(linkToH2).yaml")
            let phase = Date()
            try run(0, ["token", "issue", tokenH1, "--name", linkToH1, "--redemptions-allowed", "9", "--timeout", "30s"])
            // h2 issues its token while it and the leaves redeem h1's.
            let first: [(Int, [String])] =
                [(1, ["token", "issue", tokenH2, "--name", linkToH2, "--redemptions-allowed", "8", "--timeout", "30s"])]
                + ([1] + leaves).map { ($0, ["token", "redeem", tokenH1, "--timeout", "30s"]) }
            try runAll(first)
            try runAll(leaves.map { ($0, ["token", "redeem", tokenH2, "--timeout", "30s"]) })
            lastRedeem = Date()
            report(
                "setup: tokens issued and redeemed (9 Links to h1, 8 to h2) in \(seconds(lastRedeem.timeIntervalSince(phase))); \(seconds(lastRedeem.timeIntervalSince(started))) since the agents started"
            )

            // The Links are named for the tokens: the checks below find them by these names.
            for index in [1] + leaves {
                let expected = index == 1 ? [linkToH1] : [linkToH1, linkToH2]
                guard linkNames(index) == expected else {
                    throw TestFailure("\(names[index]) has Links \(linkNames(index)), expected \(expected)\n\(logs([index]))")
                }
            }
        }

        /// Runs `skupper <arguments>` on site `index`; throws with its output and the site's log when it fails.
        func run(_ index: Int, _ arguments: [String]) throws {
            try runAll([(index, arguments)])
        }

        /// Runs several `skupper` commands at once, each on its site; throws with the failures' output and logs.
        func runAll(_ commands: [(Int, [String])]) throws {
            let sites = sites
            let results = parallel(commands.count) { job -> Result<CLIResult, any Error> in
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

        func sitesInNetwork(_ index: Int) -> Int? {
            sites[index].status(.site, names[index]).flatMap { SiteStatusView($0.status).sitesInNetwork }
        }

        func linkPhase(_ index: Int, _ link: String) -> ResourceStatus.Phase? {
            sites[index].status(.link, link)?.status.phase
        }

        /// The Links site `index` has statuses for.
        func linkNames(_ index: Int) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: sites[index].layout.status.path)) ?? [])
                .filter { $0.hasPrefix("Link-") && $0.hasSuffix(".yaml") }.map { String($0.dropFirst(5).dropLast(5)) }.sorted()
        }

        var routerDirectories: [URL] { sites.map { $0.layout.routerConfig.deletingLastPathComponent() } }

        /// The pid in the site's `runtime/router/skrouterd.pid` (the process platform writes it).
        func routerPid(_ index: Int) -> Int32? {
            (try? String(contentsOf: routerDirectories[index].appendingPathComponent("skrouterd.pid"), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }

        /// The router of site `index` when its pid file names a skrouterd running the site's configuration (never a
        /// pid the file kept after its router went: this pid is signalled).
        func runningRouter(_ index: Int) -> Int32? {
            routerPid(index).flatMap { pid in routerProcesses().contains { $0.pid == pid && $0.site == index } ? pid : nil }
        }

        /// Every skrouterd running one of these sites' configurations (whoever started it), with the site's index:
        /// read from /proc, so a router whose pid file is gone is found too.
        func routerProcesses() -> [(pid: Int32, site: Int)] {
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
        func echoing(_ indices: [Int], timeout: TimeInterval = 1) -> Set<Int> {
            let ports = listenerPorts
            let works = parallel(indices.count) { job -> Bool in
                let index = indices[job]
                let payload = Array("\(names[index])->\(service(TenSiteNetworkTests.next(index)))".utf8)
                let expected = Array("\(names[TenSiteNetworkTests.next(index)])!".utf8) + payload
                return roundTrip(port: ports[index], payload: payload, expected: expected, timeout: timeout)
            }
            return Set(indices.indices.filter { works[$0] }.map { indices[$0] })
        }

        /// The sites' Site and Link statuses, one line each, for failure messages.
        func describe(_ indices: [Int]) -> String {
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
        func logs(_ indices: [Int], agentTail: Int = 2000, routerTail: Int = 1000) -> String {
            indices.map { index in
                let agent = index < agents.count ? agents[index].log : ""
                let router = (try? String(contentsOf: routerDirectories[index].appendingPathComponent("skrouterd.log"), encoding: .utf8)) ?? ""
                return "--- \(names[index]) skupperd.log (last \(agentTail) chars)\n\(agent.suffix(agentTail))\n"
                    + "--- \(names[index]) skrouterd.log (last \(routerTail) chars)\n\(router.suffix(routerTail))"
            }.joined(separator: "\n")
        }

        // MARK: Taking it down

        /// Stops every agent still running, at once (each stops its router), and then checks that no router of these
        /// sites is left: one that is, is recorded as an issue (`recording`) and killed.
        func stop(recording: Bool = true) {
            guard !stopped else { return }
            stopped = true
            // A router left stopped (SIGSTOP) would sit on its agent's SIGTERM until the agent's SIGKILL: continue it.
            for router in routerProcesses() { kill(router.pid, SIGCONT) }
            let running = agents.filter { $0.process.isRunning }
            let started = Date()
            let statuses = parallel(running.count) { running[$0].stop(timeout: 15) }
            let unclean = zip(running, statuses).filter { $0.1 != 0 }.map { "pid \($0.0.pid) exited \($0.1)" }
            if let directory = TenSiteNetworkTests.logDirectory {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                for (index, agent) in agents.enumerated() {
                    try? agent.log.write(toFile: "\(directory)/\(TenSiteNetworkTests.names[index]).log", atomically: true, encoding: .utf8)
                }
            }
            _ = measure(timeout: 5) { routerProcesses().isEmpty }
            let left = routerProcesses()
            report(
                "teardown: \(running.count) agents stopped in \(seconds(Date().timeIntervalSince(started)))"
                    + (unclean.isEmpty ? "" : ", not cleanly: \(unclean)") + "; routers left: \(left.count)")
            if recording {
                #expect(unclean.isEmpty, "agents that did not exit 0 on SIGTERM: \(unclean)")
                #expect(left.isEmpty, "routers outlived their agents: \(left.map { "\(names[$0.site]) pid \($0.pid)" })")
            }
            for router in left { kill(router.pid, SIGKILL) }
        }
    }

    // MARK: - The test

    @Test func aRedundantStarOfTenSitesFormsCarriesTrafficAndRecovers() throws {
        let network = try Network()
        defer { network.stop() }
        try network.start()
        let all = network.all
        var summary: [String] = []

        // 1. Every site counts ten sites within 20 s of the last redeem.
        let formed = Self.measure(timeout: 20, since: network.lastRedeem) { all.allSatisfy { network.sitesInNetwork($0) == 10 } }
        Self.report("check 1: every Site reports sitesInNetwork 10 after \(Self.seconds(formed)) (since the last redeem)")
        summary.append("1 formed \(Self.seconds(formed))")
        let short = all.filter { network.sitesInNetwork($0) != 10 }
        #expect(formed != nil, "not every site counts 10 sites:\n\(network.describe(short))\n\(network.logs(short))")

        // 2. An echo through every site's Listener reaches the next site's server.
        let trafficStart = Date()
        var carried = Set<Int>()
        let traffic = Self.measure(timeout: 20, since: trafficStart) {
            carried.formUnion(network.echoing(all.filter { !carried.contains($0) }))
            return carried.count == all.count
        }
        Self.report("check 2: an echo through every Listener after \(Self.seconds(traffic))")
        summary.append("2 traffic \(Self.seconds(traffic))")
        let silent = all.filter { !carried.contains($0) }
        #expect(traffic != nil, "no echo through the Listeners of \(silent.map { Self.names[$0] }):\n\(network.describe(silent))\n\(network.logs(silent))")

        // 3. h1's router is killed: its agent starts it again; traffic through every Listener, ten sites everywhere and
        // every Link to h1 Ready again, measured from the kill (target 5 s).
        let toH1 = [1] + Self.leaves
        let linksUp = Self.measure(timeout: 10) { toH1.allSatisfy { network.linkPhase($0, Self.linkToH1) == .ready } }
        #expect(linksUp != nil, "Links to h1 not Ready before the kill:\n\(network.describe(toH1))")
        if let oldPid = network.runningRouter(0) {
            let killed = Date()
            kill(oldPid, SIGKILL)
            // Each part's time is when it last became true (a status still saying Ready from before the kill holds
            // "at 0 s" until its agent notices); a Listener's, when it first carried an echo after the kill.
            var echoed: [Int: TimeInterval] = [:]
            var since: [String: TimeInterval] = [:]
            var linksSeenDown = Set<Int>(), sitesSeenOther = Set<Int>()
            let recovered = Self.measure(timeout: 20, since: killed) {
                let restarted = network.routerProcesses().contains { $0.site == 0 && $0.pid != oldPid }
                let newlyEchoing = network.echoing(all.filter { echoed[$0] == nil })
                let elapsed = Date().timeIntervalSince(killed)
                for index in newlyEchoing { echoed[index] = elapsed }
                let counted = all.filter { network.sitesInNetwork($0) == 10 }
                let ready = toH1.filter { network.linkPhase($0, Self.linkToH1) == .ready }
                linksSeenDown.formUnion(toH1.filter { !ready.contains($0) })
                sitesSeenOther.formUnion(all.filter { !counted.contains($0) })
                let parts = [
                    ("router restarted", restarted), ("traffic", echoed.count == all.count), ("10 sites", counted.count == all.count),
                    ("Links to h1 Ready", ready.count == toH1.count),
                ]
                for (name, holds) in parts {
                    if !holds { since[name] = nil } else if since[name] == nil { since[name] = elapsed }
                }
                return parts.allSatisfy(\.1)
            }
            let parts = since.sorted { $0.value < $1.value }.map { "\($0.key) at \(Self.seconds($0.value))" }.joined(separator: ", ")
            let slowest = echoed.sorted { $0.value > $1.value }.prefix(3).map { "\(Self.names[$0.key]) \(Self.seconds($0.value))" }
            let names = { (indices: Set<Int>) in indices.sorted().map { Self.names[$0] } }
            Self.report(
                "check 3: after SIGKILL of h1's router (pid \(oldPid)), traffic, 10 sites and Links to h1 all back after \(Self.seconds(recovered)) (target 5 s); each part since: \(parts); slowest Listeners: \(slowest); while it was down, Links to h1 seen not Ready on \(names(linksSeenDown)), sites seen counting other than 10: \(names(sitesSeenOther))"
            )
            summary.append("3 h1 router killed → recovered \(Self.seconds(recovered))")
            let elapsed = recovered ?? Date().timeIntervalSince(killed)
            let silent = all.filter { echoed[$0] == nil }
            let lagging = all.filter { echoed[$0] == nil || network.sitesInNetwork($0) != 10 || network.linkPhase($0, Self.linkToH1) ?? .ready != .ready }
            // The target is 5 s (printed above; BENCHMARKS.md keeps the figures): the routers' own reconnect takes 3-4 s
            // of it, and a new router's records need its subscription spread (about 2 s), so the test holds at 8 s.
            #expect(
                elapsed <= 8,
                "h1's router killed: not everything back within 8 s (\(Self.seconds(recovered)); \(parts); slowest Listeners \(slowest)); no echo yet through \(silent.map { Self.names[$0] })\n\(network.describe(all))\n\(network.logs(Array(Set([0] + lagging + echoed.sorted { $0.value > $1.value }.prefix(1).map(\.key))).sorted()))"
            )
            if recovered != nil {
                let still = network.echoing(all)
                #expect(still.count == all.count, "after the recovery, no echo through \(all.filter { !still.contains($0) }.map { Self.names[$0] })")
            }
        } else {
            Issue.record("h1 has no running router: \(network.describe([0]))")
        }

        // 4. A leaf's agent stops (its router with it): every other site counts nine within 5 s.
        let leaf = 9
        let others = all.filter { $0 != leaf }
        _ = Self.measure(timeout: 10) { all.allSatisfy { network.sitesInNetwork($0) == 10 } }
        let stopping = Date()
        let exit = network.agents[leaf].stop(timeout: 15)
        let stopTook = Date().timeIntervalSince(stopping)
        #expect(exit == 0, "\(Self.names[leaf])'s agent exited \(exit)\n\(network.logs([leaf]))")
        #expect(!network.routerProcesses().contains { $0.site == leaf }, "\(Self.names[leaf])'s router outlived its agent")
        let noticed = Self.measure(timeout: 15, since: stopping) { others.allSatisfy { network.sitesInNetwork($0) == 9 } }
        Self.report(
            "check 4: \(Self.names[leaf])'s agent stopped in \(Self.seconds(stopTook)); every other Site reports sitesInNetwork 9 after \(Self.seconds(noticed)) (from SIGTERM; target 5 s)"
        )
        summary.append("4 leaf stopped → 9 sites \(Self.seconds(noticed))")
        let stale = others.filter { network.sitesInNetwork($0) != 9 }
        if noticed == nil {
            Self.report("check 4: the other Sites report \(others.map { "\(Self.names[$0])=\(network.sitesInNetwork($0).map(String.init) ?? "-")" })")
        }
        #expect(
            noticed.map { $0 <= 5 } == true,
            "after \(Self.names[leaf]) stopped, not every other site counts 9 within 5 s (\(Self.seconds(noticed))):\n\(network.describe(stale))\n\(network.logs(Array(stale.prefix(3))))"
        )

        // 5. h2's router stops (SIGSTOP): the leaves' Links to h2 (their peer is that router) are not Ready within
        // 20 s (the routers' idle timeout is 16 s); continued (SIGCONT), they are Ready again.
        let toH2 = Self.leaves.filter { $0 != leaf }
        let before = Self.measure(timeout: 10) { toH2.allSatisfy { network.linkPhase($0, Self.linkToH2) == .ready } }
        #expect(before != nil, "Links to h2 not Ready before the SIGSTOP:\n\(network.describe(toH2))")
        guard let h2Pid = network.runningRouter(1) else {
            Issue.record("h2 has no running router: \(network.describe([1]))")
            return
        }
        var continued = false
        defer { if !continued { kill(h2Pid, SIGCONT) } }
        let paused = Date()
        kill(h2Pid, SIGSTOP)
        // When each Link was first seen not Ready, and which were seen Ready again while h2 was still stopped (the
        // router's connector reports SUCCESS again as soon as it starts its next attempt, which the stopped router's
        // listen backlog takes: a 1 s poll may see the FAILED gap between the attempts, or may not).
        var down: [Int: TimeInterval] = [:]
        var downMessages = Set<String>()
        var backWhileStopped = Set<Int>()
        let allDown = Self.measure(timeout: 25, since: paused) {
            for index in toH2 {
                let status = network.sites[index].status(.link, Self.linkToH2)?.status
                let ready = status?.phase == .ready
                if !ready && down[index] == nil {
                    down[index] = Date().timeIntervalSince(paused)
                    downMessages.insert(status?.message ?? "no status")
                }
                if ready && down[index] != nil { backWhileStopped.insert(index) }
            }
            return down.count == toH2.count
        }
        let readyAtResume = Set(toH2.filter { network.linkPhase($0, Self.linkToH2) == .ready })
        let neverDown = toH2.filter { down[$0] == nil }
        let whileStopped = "\(network.describe(toH2))\n\(network.logs([1] + Array(neverDown.prefix(1))))"
        let resumed = Date()
        kill(h2Pid, SIGCONT)
        continued = true
        var up: [Int: TimeInterval] = [:]
        let allUp = Self.measure(timeout: 25, since: resumed) {
            for index in toH2 where up[index] == nil && network.linkPhase(index, Self.linkToH2) == .ready {
                up[index] = Date().timeIntervalSince(resumed)
            }
            return up.count == toH2.count
        }
        let names = { (indices: [Int]) in indices.sorted().map { Self.names[$0] } }
        let downTimes = toH2.map { "\(Self.names[$0]) \(Self.seconds(down[$0]))" }
        Self.report(
            "check 5: h2's router stopped (SIGSTOP): the first Link to h2 not Ready after \(Self.seconds(down.values.min())), all \(toH2.count) after \(Self.seconds(allDown)) (target 20 s; each: \(downTimes); messages: \(downMessages.sorted())); Ready again while h2 was still stopped: \(names(Array(backWhileStopped))); Ready at SIGCONT: \(names(Array(readyAtResume))); continued (SIGCONT): all Ready again after \(Self.seconds(allUp))"
        )
        summary.append("5 h2 SIGSTOP → Links down \(Self.seconds(allDown)), SIGCONT → up \(Self.seconds(allUp))")
        #expect(
            allDown.map { $0 <= 20 } == true,
            "h2's router stopped: not every Link to h2 seen not Ready within 20 s (all after \(Self.seconds(allDown)); never within 25 s: \(names(neverDown))); before SIGCONT:\n\(whileStopped)"
        )
        #expect(allUp != nil, "h2's router continued: Links to h2 not Ready again within 25 s:\n\(network.describe(toH2))\n\(network.logs([1, toH2[0]]))")
        Self.report("summary: \(summary.joined(separator: "; "))")
    }
}
