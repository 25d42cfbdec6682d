import Agent
import FlowRecords
import Foundation
import Resources
import RouterManagement
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `network-scale`: the ten-site redundant star of `TenSiteNetworkTests` (TestSupport's `TenSiteNetwork`: two hubs,
/// eight leaves linked to both, the release agents running the real skupper-router as their children, a service each
/// in a ring), timed and measured:
/// - how long it takes to form, to heal after a hub's router is killed, and to notice a leaf gone (and back);
/// - each agent's and router's CPU over idle seconds once it formed, beside a one-site network's measured in the same
///   run (just before the ten sites), and again with 100 services a site (beside one site with 100, just after);
/// - the Site status and network-status ConfigMap it writes, and the same documents at 100 sites made from records
///   built for them (the network the flow records describe, through the decoder and the store).
enum NetworkScaleBench {
    typealias Network = TenSiteNetwork

    struct Settings {
        /// The idle window CPU is measured over.
        var idleSeconds: Double
        /// How often heal and leave are repeated.
        var repeats: Int
        /// The services a site has in the second idle measurement.
        var services: Int
        /// How long a network is left alone before an idle window (the statuses and records written, the echo
        /// connections' flows ended).
        var settleSeconds: Double
        /// How long a network is left alone between repeats of heal and leave.
        var pauseSeconds: Double
        /// How long every added Listener's status is waited for to say its routing key has a Connector.
        var statusTimeout: Double
    }

    static func say(_ line: String) { FileHandle.standardError.write(Data("network-scale: \(line)\n".utf8)) }

    static func seconds(_ interval: TimeInterval?) -> String { Network.seconds(interval) }

    /// Sleeps the calling thread (the bench's work is blocking: processes, files, sockets).
    static func rest(_ seconds: Double) {
        var time = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var left = timespec()
        while nanosleep(&time, &left) != 0 && errno == EINTR { time = left }
    }

    static func run(quick: Bool) async throws -> [Row] {
        let settings =
            quick
            ? Settings(idleSeconds: 20, repeats: 1, services: 100, settleSeconds: 10, pauseSeconds: 10, statusTimeout: 60)
            : Settings(idleSeconds: 60, repeats: 3, services: 100, settleSeconds: 15, pauseSeconds: 20, statusTimeout: 150)
        var rows: [Row] = []
        let quiet: @Sendable (String) -> Void = { say($0) }

        // The baseline: one site (h1 alone, its Listener for its own service), measured just before the ten.
        say("one site, one service: starting")
        let single = try Network(sites: 1, report: quiet)
        try single.start()
        guard Network.measure(timeout: 30, { single.sitesInNetwork(0) == 1 }) != nil, Network.measure(timeout: 30, { single.echoing([0]) == [0] }) != nil
        else {
            throw TestFailure("one site: not counting itself or no echo\n\(single.describe([0]))\n\(single.logs([0]))")
        }
        rest(settings.settleSeconds)
        let singleIdle = try await idleCPU(single, seconds: settings.idleSeconds)
        say("one site, one service: \(describe(singleIdle, single))")
        let singleBytes = documentBytes(single, 0)
        single.stop()

        // The ten sites.
        say("ten sites: starting")
        let network = try Network(report: quiet)
        try network.start()
        let all = network.all, leaves = network.leaves
        let names = network.names

        // 1. Converge: from the last redeem, every Site counts ten (the routers' own part: every Link Ready; and an
        // echo through every Listener).
        let formed = try converge(network)
        say(
            "converge: every Site 10 after \(seconds(formed.sites)), every Link Ready after \(seconds(formed.links)), traffic through every Listener after \(seconds(formed.traffic)) (since the last redeem)"
        )
        rows.append(
            Row(
                benchmark: "converge: last redeem -> every Site reports sitesInNetwork 10", case_: "10 sites (2 hubs, 8 leaves linked to both)",
                value: formed.sites ?? .nan, unit: "s", baseline: formed.links,
                baselineName: "last redeem -> every Link Ready (17 Links: the routers' own links)", target: "< 20 s",
                met: formed.sites.map { $0 < 20 } ?? false))
        rows.append(
            Row(
                benchmark: "converge: last redeem -> an echo through every Listener", case_: "10 sites", value: formed.traffic ?? .nan, unit: "s",
                baseline: formed.links, baselineName: "last redeem -> every Link Ready"))

        // 2. Idle CPU, one service a site.
        rest(settings.settleSeconds)
        let tenIdle = try await idleCPU(network, seconds: settings.idleSeconds)
        say("ten sites, one service each: \(describe(tenIdle, network))")
        // 3 (real part). What the ten sites wrote.
        let tenBytes = all.map { documentBytes(network, $0) }
        say("status bytes at 10 sites: Site status \(tenBytes.map(\.site)), network status \(tenBytes.map(\.networkStatus))")
        let tenRoutersOnly = try await routersWithoutAgents(network, seconds: settings.idleSeconds, settle: settings.settleSeconds)
        say("ten sites, one service each, the routers without their agents: \(percents(tenRoutersOnly))")
        rows += cpuRows(
            tenIdle, network, routersOnly: tenRoutersOnly, alone: singleIdle, case_: "10 sites, 1 service each", baselineCase: "one site, one service",
            when: "before")

        // 1. Heal: h1's router killed, its agent starts it again.
        var heals: [Heal] = []
        for run in 0..<settings.repeats {
            // After a heal, a minute and more: the agent starts a router that exits within a minute of its last exit
            // with a backoff (1 s, doubling), and each heal is to be timed as a first one.
            try steady(network, pause: run == 0 ? settings.pauseSeconds : max(settings.pauseSeconds, 65 - (heals.last?.all ?? 0)))
            let heal = try self.heal(network)
            heals.append(heal)
            say("heal \(run + 1): \(summary(heal))")
        }
        // 1. Leave: s10's agent stopped; every other site counts nine. Then it starts again and rejoins.
        var departures: [Leave] = []
        for run in 0..<settings.repeats {
            try steady(network, pause: settings.pauseSeconds)
            let leave = try self.leave(network, leaf: leaves.last!)
            departures.append(leave)
            say("leave \(run + 1): \(leave.summary(names[leaves.last!]))")
        }
        rows += healRows(heals) + leaveRows(departures, leaf: names[leaves.last!])

        // 2 (again). 100 services a site: 100 Connectors (to the site's echo server) and 100 Listeners (for the next
        // site's 100 routing keys, around the same ring), so every routing key has one Connector and one Listener.
        try steady(network, pause: 0)
        var taken = Set(network.listenerPorts + network.routerPorts)
        let servicePorts = try addServices(network, count: settings.services, excluding: taken)
        taken.formUnion(servicePorts.joined())
        let loaded = try loadedServices(network, count: settings.services, ports: servicePorts, statusTimeout: settings.statusTimeout)
        say(
            "\(settings.services) services a site: every Listener echoing after \(seconds(loaded.traffic)), every Listener's hasMatchingConnector true after \(seconds(loaded.statuses)), every Site 10 throughout: \(loaded.sitesHeld)"
        )
        rows.append(
            Row(
                benchmark: "\(settings.services) services added to each site -> every Listener's status hasMatchingConnector: true",
                case_: "10 sites, \(settings.services * 10) Listeners and \(settings.services * 10) Connectors", value: loaded.statuses ?? .nan,
                unit: "s", baseline: loaded.traffic, baselineName: "an echo through every one of the \(settings.services * 10) Listeners"))
        rest(settings.settleSeconds)
        let busyIdle = try await idleCPU(network, seconds: settings.idleSeconds)
        say("ten sites, \(settings.services) services each: \(describe(busyIdle, network))")
        let busyRoutersOnly = try await routersWithoutAgents(network, seconds: settings.idleSeconds, settle: settings.settleSeconds)
        say("ten sites, \(settings.services) services each, the routers without their agents: \(percents(busyRoutersOnly))")
        let busyBytes = all.map { documentBytes(network, $0) }
        say(
            "status bytes at 10 sites with \(settings.services) services each: Site status \(busyBytes.map(\.site)), network status \(busyBytes.map(\.networkStatus))"
        )
        let outcome = network.stop()
        if let outcome, !outcome.unclean.isEmpty || !outcome.routersLeft.isEmpty {
            say("teardown: unclean agents \(outcome.unclean), routers left \(outcome.routersLeft.map { names[$0.site] })")
        }

        // The baseline for it: one site with as many services (its Listeners for its own Connectors), just after.
        say("one site, \(settings.services) services: starting")
        let singleBusy = try Network(sites: 1, excludingPorts: taken, report: quiet)
        try singleBusy.start()
        guard Network.measure(timeout: 30, { singleBusy.sitesInNetwork(0) == 1 }) != nil else {
            throw TestFailure("one site: not counting itself\n\(singleBusy.describe([0]))\n\(singleBusy.logs([0]))")
        }
        let singlePorts = try addServices(singleBusy, count: settings.services, excluding: taken)
        let singleLoaded = try loadedServices(singleBusy, count: settings.services, ports: singlePorts, statusTimeout: settings.statusTimeout)
        say("one site, \(settings.services) services: echoing after \(seconds(singleLoaded.traffic)), statuses after \(seconds(singleLoaded.statuses))")
        rest(settings.settleSeconds)
        let singleBusyIdle = try await idleCPU(singleBusy, seconds: settings.idleSeconds)
        say("one site, \(settings.services) services: \(describe(singleBusyIdle, singleBusy))")
        let singleBusyBytes = documentBytes(singleBusy, 0)
        singleBusy.stop()
        let stale = loaded.stale.values.reduce(0, +), singleStale = singleLoaded.stale.values.reduce(0, +)
        rows.append(
            Row(
                benchmark:
                    "Listeners whose status still said hasMatchingConnector: false \(Int(settings.statusTimeout)) s after the services were added (each carried traffic)",
                case_: "10 sites, \(settings.services * 10) Listeners", value: Double(stale), unit: "Listeners", baseline: Double(singleStale),
                baselineName: "the same on one site with \(settings.services) services (of \(settings.services))", target: "0", met: stale == 0))
        rows += cpuRows(
            busyIdle, network, routersOnly: busyRoutersOnly, alone: singleBusyIdle, case_: "10 sites, \(settings.services) services each",
            baselineCase: "one site, \(settings.services) services", when: "after")

        // 3. Status bytes: the real ones, then 100 sites from records built for them.
        rows += try statusRows(
            ten: tenBytes, single: singleBytes, busy: busyBytes, singleBusy: singleBusyBytes, services: settings.services)
        return rows
    }

    // MARK: - Converging

    struct Formed {
        var sites: TimeInterval?
        var links: TimeInterval?
        var traffic: TimeInterval?
    }

    /// From the last redeem: when every Site first counted ten, every Link was first Ready, and an echo had gone
    /// through every Listener.
    static func converge(_ network: Network) throws -> Formed {
        let since = network.lastRedeem, all = network.all, count = network.names.count
        let links = ([1] + network.leaves).map { ($0, Network.linkToH1) } + network.leaves.map { ($0, Network.linkToH2) }
        let results = Network.parallel(2) { job -> [TimeInterval?] in
            if job == 0 {
                var sites: TimeInterval?, ready: TimeInterval?
                _ = Network.measure(timeout: 60, since: since) {
                    let elapsed = Date().timeIntervalSince(since)
                    if ready == nil, links.allSatisfy({ network.linkPhase($0.0, $0.1) == .ready }) { ready = elapsed }
                    if sites == nil, all.allSatisfy({ network.sitesInNetwork($0) == count }) { sites = elapsed }
                    return sites != nil && ready != nil
                }
                return [sites, ready]
            }
            var carried = Set<Int>()
            let traffic = Network.measure(timeout: 60, since: since) {
                carried.formUnion(network.echoing(all.filter { !carried.contains($0) }))
                return carried.count == all.count
            }
            return [traffic]
        }
        let formed = Formed(sites: results[0][0], links: results[0][1], traffic: results[1][0])
        guard formed.sites != nil, formed.traffic != nil else {
            throw TestFailure("the ten sites did not converge: \(formed)\n\(network.describe(all))")
        }
        return formed
    }

    /// Waits until every running site counts every running site and every Link of a running site is Ready, then
    /// `pause` seconds more (the collectors' timers of the last change run out).
    static func steady(_ network: Network, pause: TimeInterval) throws {
        let all = network.all, count = network.names.count
        let links = ([1] + network.leaves).map { ($0, Network.linkToH1) } + network.leaves.map { ($0, Network.linkToH2) }
        let steady = { all.allSatisfy { network.sitesInNetwork($0) == count } && links.allSatisfy { network.linkPhase($0.0, $0.1) == .ready } }
        guard Network.measure(timeout: 60, steady) != nil else {
            throw TestFailure("the network is not steady:\n\(network.describe(all))")
        }
        rest(pause)
    }

    // MARK: - Heal

    typealias Heal = Network.Recovery

    /// Kills h1's router and times its recovery as `TenSiteNetworkTests`' check 3 does.
    static func heal(_ network: Network) throws -> Heal {
        guard let recovery = network.killH1RouterAndWatch(timeout: 30) else { throw TestFailure("h1 has no running router: \(network.describe([0]))") }
        return recovery
    }

    // MARK: - Leave

    struct Leave {
        /// From SIGTERM to the leaf's agent: until it exited (its router with it), and until every other Site counted
        /// nine.
        var stopped: TimeInterval
        var exit: Int32
        var noticed: TimeInterval?
        /// From its agent's start again: until its two Links were last seen becoming Ready, and until every Site
        /// counted ten.
        var linksBack: TimeInterval?
        var rejoined: TimeInterval?
        /// When it did not rejoin within 90 s: the sites its own Site status listed, and what the agent started a
        /// second time did (the network steady again for the next figures).
        var stuck: String?

        func summary(_ leaf: String) -> String {
            "\(leaf)'s agent stopped in \(NetworkScaleBench.seconds(stopped)) (exit \(exit)); every other Site 9 after \(NetworkScaleBench.seconds(noticed)) (from SIGTERM); started again: its Links Ready after \(NetworkScaleBench.seconds(linksBack)), every Site 10 after \(NetworkScaleBench.seconds(rejoined))"
                + (stuck.map { "; \($0)" } ?? "")
        }
    }

    /// `NETWORK_SCALE_REJOIN_LOG_LEVEL=debug`: the leaf's agent logs at that level once it started again (its log is
    /// kept when it does not rejoin).
    static let rejoinLogLevel = ProcessInfo.processInfo.environment["NETWORK_SCALE_REJOIN_LOG_LEVEL"].flatMap { $0.isEmpty ? nil : $0 }

    static func leave(_ network: Network, leaf: Int) throws -> Leave {
        let all = network.all, count = network.names.count
        let others = all.filter { $0 != leaf }
        let stopping = Date()
        let exit = network.agents[leaf].stop(timeout: 15)
        let stopped = Date().timeIntervalSince(stopping)
        if network.routerProcesses().contains(where: { $0.site == leaf }) { say("\(network.names[leaf])'s router outlived its agent") }
        let noticed = Network.measure(timeout: 30, since: stopping) { others.allSatisfy { network.sitesInNetwork($0) == count - 1 } }
        if noticed == nil { say("leave: the other Sites count \(others.map { network.sitesInNetwork($0).map(String.init) ?? "-" })") }
        // Back: the others count ten again, and so does the leaf (its own file said ten before it stopped: each
        // part counts from when it last became true).
        let restarted = Date()
        try network.restartAgent(leaf, logLevel: rejoinLogLevel)
        var since: [String: TimeInterval] = [:]
        let back = Network.measure(timeout: 90, since: restarted) {
            let elapsed = Date().timeIntervalSince(restarted)
            let parts = [
                ("links", [Network.linkToH1, Network.linkToH2].allSatisfy { network.linkPhase(leaf, $0) == .ready }),
                ("sites", all.allSatisfy { network.sitesInNetwork($0) == count }),
            ]
            for (name, holds) in parts {
                if !holds { since[name] = nil } else if since[name] == nil { since[name] = elapsed }
            }
            return parts.allSatisfy(\.1)
        }
        var stuck: String?
        if back == nil {
            // What the rejoined agent sees, and whether an agent started once more on the same site does better.
            let seen = networkNames(network, leaf)
            let log = FileManager.default.temporaryDirectory.appendingPathComponent(
                "network-scale-\(network.names[leaf])-\(Int(restarted.timeIntervalSince1970)).log")
            try? network.agents[leaf].log.write(to: log, atomically: true, encoding: .utf8)
            let missing = network.names.filter { !seen.contains($0) }
            let counts = all.map { "\(network.names[$0])=\(network.sitesInNetwork($0).map(String.init) ?? "-")" }.joined(separator: " ")
            network.agents[leaf].stop(timeout: 15)
            let again = Date()
            try network.restartAgent(leaf)
            let second = Network.measure(timeout: 90, since: again) { all.allSatisfy { network.sitesInNetwork($0) == count } }
            stuck =
                "NOT rejoined within 90 s: counts \(counts); its Site status lists \(seen.count) sites, missing \(missing) (its log: \(log.path)); its agent started once more: every Site 10 after \(seconds(second))"
        }
        return Leave(stopped: stopped, exit: exit, noticed: noticed, linksBack: since["links"], rejoined: since["sites"], stuck: stuck)
    }

    /// The names of the sites site `index`'s own Site status lists in its `network`.
    static func networkNames(_ network: Network, _ index: Int) -> [String] {
        guard case .list(let entries) = network.sites[index].status(.site, network.names[index])?.status.field("network") else { return [] }
        return entries.compactMap { entry in
            guard case .map(let fields) = entry, case .string(let name) = fields.first(where: { $0.key == "name" })?.value else { return nil }
            return name
        }.sorted()
    }

    // MARK: - Rows of the times

    /// A time not reached (its wait timed out) counts as infinite: "inf" in the table and the JSON.
    static func median(_ values: [TimeInterval?]) -> Double { Measure.median(values.map { $0 ?? .infinity }) }
    static func worst(_ values: [TimeInterval?]) -> Double { values.map { $0 ?? .infinity }.max() ?? .nan }

    static func summary(_ heal: Heal) -> String {
        let each = heal.parts.sorted { $0.value < $1.value }.map { "\($0.key) at \(seconds($0.value))" }.joined(separator: ", ")
        return
            "after SIGKILL of h1's router, everything back after \(seconds(heal.all)); \(each); while it was down \(heal.linksSeenDown.count) Links to h1 seen not Ready, \(heal.sitesSeenOther.count) sites seen counting other than 10"
    }

    static func healRows(_ heals: [Heal]) -> [Row] {
        let runs = "\(heals.count) run\(heals.count == 1 ? "" : "s")"
        let traffic = heals.map { $0.parts[Heal.traffic] }
        var rows: [Row] = []
        for (statistic, reduce) in [("median", median), ("worst", worst)] as [(String, ([TimeInterval?]) -> Double)] {
            let all = reduce(heals.map(\.all))
            rows.append(
                Row(
                    benchmark: "heal: h1's router SIGKILLed -> Links to it Ready, traffic through every Listener, every Site 10 (\(statistic) of \(runs))",
                    case_: "10 sites", value: all, unit: "s", baseline: reduce(traffic),
                    baselineName: "kill -> an echo through every Listener (the routers' own recovery), \(statistic)", target: "< 5 s", met: all < 5))
            for part in [Heal.restarted, Heal.links, Heal.sites] {
                rows.append(
                    Row(
                        benchmark: "heal, one part: kill -> \(part) (\(statistic) of \(runs))", case_: "10 sites", value: reduce(heals.map { $0.parts[part] }),
                        unit: "s", baseline: part == Heal.restarted ? nil : reduce(traffic),
                        baselineName: part == Heal.restarted ? nil : "kill -> an echo through every Listener, \(statistic)"))
            }
        }
        return rows
    }

    static func leaveRows(_ leaves: [Leave], leaf: String) -> [Row] {
        let runs = "\(leaves.count) run\(leaves.count == 1 ? "" : "s")"
        var rows: [Row] = []
        for (statistic, reduce) in [("median", median), ("worst", worst)] as [(String, ([TimeInterval?]) -> Double)] {
            let noticed = reduce(leaves.map(\.noticed))
            rows.append(
                Row(
                    benchmark: "leave: a leaf's agent stopped (SIGTERM) -> every other Site 9 (\(statistic) of \(runs))", case_: "10 sites, \(leaf) leaves",
                    value: noticed, unit: "s", baseline: reduce(leaves.map(\.stopped)),
                    baselineName: "SIGTERM -> the leaf's agent exited, its router stopped, \(statistic)", target: "< 5 s", met: noticed < 5))
            rows.append(
                Row(
                    benchmark: "rejoin: the leaf's agent started again -> every Site 10 (\(statistic) of \(runs))", case_: "10 sites, \(leaf) rejoins",
                    value: reduce(leaves.map(\.rejoined)), unit: "s", baseline: reduce(leaves.map(\.linksBack)),
                    baselineName: "start -> the leaf's two Links Ready, \(statistic)"))
        }
        let stuck = leaves.filter { $0.rejoined == nil }.count
        rows.append(
            Row(
                benchmark: "rejoin: the leaf's agent started again, not every Site 10 within 90 s (runs of \(leaves.count))",
                case_: "10 sites, \(leaf) rejoins", value: Double(stuck), unit: "runs", baseline: nil, baselineName: nil, target: "0", met: stuck == 0))
        return rows
    }

    // MARK: - Idle CPU

    /// The whole machine's busy CPU seconds, every core (/proc/stat's `cpu` line: all but idle and iowait).
    static func machineBusySeconds() -> Double? {
        guard let data = FileManager.default.contents(atPath: "/proc/stat"),
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal (guest and guest_nice are within user and nice).
        let busy = ticks.prefix(8).enumerated().filter { $0.offset != 3 && $0.offset != 4 }.reduce(0) { $0 + $1.element }
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    struct IdleCPU {
        /// Percent of one core, by site.
        var agents: [Double]
        var routers: [Double]
        /// The whole machine's busy time, percent of one core (two cores: up to 200), and the part of it not these
        /// processes' (other work on the machine, the bench's own).
        var machine: Double
        var others: Double
        var seconds: Double
        /// Each router's deliveries per second over the window, by counter (`deliveriesIngress`, `deliveriesEgress`,
        /// `deliveriesTransit` of its `routerMetrics`: read through management just before and just after it).
        var deliveries: [[String: Double]]
        /// For h1 and s3: the addresses with the most deliveries per second (egress + transit) over the window.
        var busiestAddresses: [Int: [(address: String, ingress: Double, egress: Double, transit: Double)]]
    }

    static let deliveryCounters = ["deliveriesIngress", "deliveriesEgress", "deliveriesTransit"]

    static func number(_ value: AMQPValue?) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .uint(let number): Double(number)
        default: nil
        }
    }

    /// A query of the site's router through a management connection of the bench's own, closed again.
    static func query(_ site: TemporarySite, _ entityType: String, _ attributes: [String]) async -> [[String: AMQPValue]] {
        guard let client = try? BenchNetwork.client(site) else { return [] }
        let response = try? await client.perform(.query(entityType, attributes: attributes), timeout: .seconds(5))
        await client.disconnect()
        return response?.entities ?? []
    }

    /// The router's delivery counters (its `routerMetrics` entity).
    static func deliveries(_ site: TemporarySite) async -> [String: Double] {
        let metrics = await query(site, "io.skupper.router.routerMetrics", deliveryCounters).first ?? [:]
        return metrics.compactMapValues { number($0) }
    }

    /// The router's delivery counters by address (its `router.address` entities): ingress, egress, transit.
    static func addressDeliveries(_ site: TemporarySite) async -> [String: [Double]] {
        var byAddress: [String: [Double]] = [:]
        for entity in await query(site, "io.skupper.router.router.address", ["key"] + deliveryCounters) {
            guard let key = entity["key"]?.text else { continue }
            byAddress[key] = deliveryCounters.map { number(entity[$0]) ?? 0 }
        }
        return byAddress
    }

    /// Each agent's and router's CPU over `seconds` in which nothing is asked of the network.
    static func idleCPU(_ network: Network, seconds: Double) async throws -> IdleCPU {
        let agentPids = network.agents.map(\.pid)
        let routerPids = try network.all.map { index -> Int32 in
            guard let pid = network.runningRouter(index) else { throw TestFailure("\(network.names[index]) has no running router") }
            return pid
        }
        let pids = agentPids + routerPids
        var countersBefore: [[String: Double]] = []
        for site in network.sites { countersBefore.append(await deliveries(site)) }
        let detailed = [0, 2].filter { $0 < network.sites.count }
        var addressesBefore: [Int: [String: [Double]]] = [:]
        for index in detailed { addressesBefore[index] = await addressDeliveries(network.sites[index]) }
        let machineBefore = machineBusySeconds() ?? .nan
        let before = pids.map { ProcessCPU.seconds($0) ?? .nan }
        let start = Measure.now()
        rest(seconds)
        let after = pids.map { ProcessCPU.seconds($0) ?? .nan }
        let machineAfter = machineBusySeconds() ?? .nan
        let elapsed = Measure.milliseconds(since: start) / 1000
        var rates: [[String: Double]] = []
        for (index, site) in network.sites.enumerated() {
            let after = await deliveries(site)
            var rate: [String: Double] = [:]
            for (name, value) in after { if let before = countersBefore[index][name] { rate[name] = (value - before) / elapsed } }
            rates.append(rate)
        }
        var busiest: [Int: [(address: String, ingress: Double, egress: Double, transit: Double)]] = [:]
        for index in detailed {
            let before = addressesBefore[index] ?? [:]
            let after = await addressDeliveries(network.sites[index])
            busiest[index] = after.compactMap { key, counts -> (address: String, ingress: Double, egress: Double, transit: Double)? in
                guard let was = before[key] else { return nil }
                let rate = zip(counts, was).map { ($0 - $1) / elapsed }
                return (key, rate[0], rate[1], rate[2])
            }.sorted { $0.egress + $0.transit > $1.egress + $1.transit }.prefix(6).map { $0 }
        }
        guard network.all.compactMap({ network.runningRouter($0) }) == routerPids, network.agents.allSatisfy({ $0.process.isRunning }) else {
            throw TestFailure("a router or an agent changed during the idle window:\n\(network.describe(network.all))")
        }
        let percents = zip(before, after).map { ($1 - $0) / elapsed * 100 }
        let count = agentPids.count
        let machine = (machineAfter - machineBefore) / elapsed * 100
        return IdleCPU(
            agents: Array(percents[..<count]), routers: Array(percents[count...]), machine: machine, others: machine - percents.reduce(0, +),
            seconds: elapsed, deliveries: rates, busiestAddresses: busiest)
    }

    static func describe(_ idle: IdleCPU, _ network: Network) -> String {
        func list(_ values: [Double]) -> String {
            zip(network.names, values).map { "\($0) \(String(format: "%.3f", $1))" }.joined(separator: ", ")
        }
        func percent(_ value: Double) -> String { String(format: "%.1f%%", value) }
        let deliveries = zip(network.names, idle.deliveries).map { name, rates in
            "\(name) " + deliveryCounters.map { rates[$0].map { String(format: "%.1f", $0) } ?? "-" }.joined(separator: "/")
        }.joined(separator: ", ")
        let addresses = idle.busiestAddresses.sorted { $0.key < $1.key }.map { index, rows in
            "\(network.names[index]): "
                + rows.map { "\($0.address) \(String(format: "%.2f/%.2f/%.2f", $0.ingress, $0.egress, $0.transit))" }.joined(separator: ", ")
        }.joined(separator: "; ")
        return
            "idle CPU over \(String(format: "%.1f", idle.seconds)) s, % of one core: agents [\(list(idle.agents))]; routers [\(list(idle.routers))]; the machine \(percent(idle.machine)), of it not these processes \(percent(idle.others)); router deliveries/s in the window (ingress/egress/transit): [\(deliveries)]; the busiest addresses (deliveries/s in/out/transit): \(addresses)"
    }

    /// The routers' own idle cost in the same network, the agents' part taken away: every agent stopped (its router
    /// stops with it) and each site's rendered `skrouterd.json` run by skupper-router directly, so nothing manages
    /// the routers and nothing subscribes to their flow records; their CPU (percent of one core, by site) once every
    /// router knows the other nine. Then the agents start again on their directories and the network forms again.
    static func routersWithoutAgents(_ network: Network, seconds: Double, settle: Double) async throws -> [Double] {
        for index in network.all { network.agents[index].stop() }
        let routers = try network.sites.map { try RealRouter(site: $0) }
        defer {
            for router in routers { router.stop() }
        }
        let count = network.sites.count
        let deadline = Date().addingTimeInterval(60)
        var linked = false
        while !linked, Date() < deadline {
            linked = true
            for site in network.sites where await query(site, "io.skupper.router.router.node", ["id"]).count < count - 1 {
                linked = false
                break
            }
            if !linked { rest(0.5) }
        }
        guard linked else { throw TestFailure("the routers without their agents did not link in 60 s:\n\(routers.map(\.log).joined(separator: "\n"))") }
        rest(settle)
        let percents = ProcessCPU.percent(routers.map(\.process.processIdentifier), over: seconds).map { $0 ?? .nan }
        guard routers.allSatisfy({ $0.process.isRunning }) else { throw TestFailure("a router without its agent stopped during the idle window") }
        for router in routers { router.stop() }
        for index in network.all { try network.restartAgent(index) }
        try steady(network, pause: settle)
        return percents
    }

    static func percents(_ values: [Double]) -> String { values.map { String(format: "%.2f%%", $0) }.joined(separator: ", ") }

    static func cpuRows(_ idle: IdleCPU, _ network: Network, routersOnly: [Double], alone: IdleCPU, case_: String, baselineCase: String, when: String)
        -> [Row]
    {
        var rows: [Row] = []
        let window = String(format: "%.0f s", idle.seconds)
        for (index, name) in network.names.enumerated() {
            let role = network.hubs.contains(index) ? "hub" : "leaf"
            rows.append(
                Row(
                    benchmark: "idle CPU over \(window), router (% of one core)", case_: "\(case_): \(name) (\(role))", value: idle.routers[index], unit: "%",
                    baseline: routersOnly[index], baselineName: "the same router in the same network without its agent (no management, no flow subscriber)",
                    target: "<= 1.5x baseline", met: idle.routers[index] <= 1.5 * routersOnly[index]))
        }
        rows.append(
            Row(
                benchmark: "idle CPU over \(window), router (% of one core)", case_: "\(baselineCase): the router alone, measured just \(when) the ten",
                value: alone.routers[0], unit: "%"))
        let baseline = alone
        for (index, name) in network.names.enumerated() {
            let role = network.hubs.contains(index) ? "hub" : "leaf"
            rows.append(
                Row(
                    benchmark: "idle CPU over \(window), agent (% of one core)", case_: "\(case_): \(name) (\(role))", value: idle.agents[index], unit: "%",
                    baseline: baseline.agents[0], baselineName: "\(baselineCase): its agent", target: "< 0.2%", met: idle.agents[index] < 0.2))
        }
        rows.append(
            Row(
                benchmark: "idle CPU over \(window), the whole machine (% of one core, 2 cores) not these processes: other load, the bench",
                case_: case_, value: idle.others, unit: "%", baseline: baseline.others, baselineName: "the same in the \(baselineCase) window"))
        return rows
    }

    // MARK: - 100 services

    /// Adds `count` services to every site (`TenSiteNetwork.writeServices`); the Listeners' ports, by site.
    static func addServices(_ network: Network, count: Int, excluding: Set<Int>) throws -> [[Int]] {
        let ports = Network.distinctFreePorts(network.names.count * count, excluding: excluding)
        let bySite = network.all.map { Array(ports[($0 * count)..<(($0 + 1) * count)]) }
        try network.writeServices(count: count, ports: bySite)
        return bySite
    }

    struct Loaded {
        var traffic: TimeInterval?
        var statuses: TimeInterval?
        var sitesHeld: Bool
        /// The Listeners whose status still said `hasMatchingConnector: false` when the wait ended, by site.
        var stale: [Int: Int]
    }

    /// From now (the services just written): when an echo had gone through every added Listener, and when every added
    /// Listener's status said its routing key has a Connector (waited for up to `statusTimeout`; the Listeners whose
    /// status never said so are counted).
    static func loadedServices(_ network: Network, count: Int, ports: [[Int]], statusTimeout: TimeInterval) throws -> Loaded {
        let start = Date(), all = network.all, sites = network.names.count
        let jobs = all.flatMap { index in (0..<count).map { (index, $0) } }
        let results = Network.parallel(2) { job -> (TimeInterval?, Bool, [Int: Int]) in
            if job == 0 {
                var pending = jobs
                let traffic = Network.measure(timeout: 300, since: start, interval: 0.5) {
                    var still: [(Int, Int)] = []
                    for batch in stride(from: 0, to: pending.count, by: 100) {
                        let slice = Array(pending[batch..<min(batch + 100, pending.count)])
                        let works = Network.parallel(slice.count) { item -> Bool in
                            let (index, number) = slice[item]
                            let next = network.next(index)
                            let payload = Array("\(network.names[index])->\(network.service(next))-\(number)".utf8)
                            return Network.roundTrip(
                                port: ports[index][number], payload: payload, expected: Array("\(network.names[next])!".utf8) + payload, timeout: 2)
                        }
                        still += slice.indices.filter { !works[$0] }.map { slice[$0] }
                    }
                    pending = still
                    return pending.isEmpty
                }
                return (traffic, true, [:])
            }
            var pending = jobs
            var held = true
            let statuses = Network.measure(timeout: statusTimeout, since: start, interval: 0.5) {
                pending = pending.filter { index, number in
                    let key = "\(network.service(network.next(index)))-\(number)"
                    return network.sites[index].status(.listener, key)?.status.field(StatusKey.hasMatchingConnector) != .bool(true)
                }
                if !all.allSatisfy({ network.sitesInNetwork($0) == sites }) { held = false }
                return pending.isEmpty
            }
            return (statuses, held, pending.reduce(into: [:]) { $0[$1.0, default: 0] += 1 })
        }
        let loaded = Loaded(traffic: results[0].0, statuses: results[1].0, sitesHeld: results[1].1, stale: results[1].2)
        guard loaded.traffic != nil else {
            throw TestFailure("the services did not all carry traffic within 300 s: \(loaded)\n\(network.describe(all))")
        }
        if !loaded.stale.isEmpty {
            let sites = loaded.stale.sorted { $0.key < $1.key }.map { "\(network.names[$0.key]) \($0.value)" }.joined(separator: ", ")
            say("Listeners whose status still says hasMatchingConnector: false after \(Int(statusTimeout)) s, by site: \(sites)")
        }
        return loaded
    }

    // MARK: - Status bytes

    struct Bytes {
        var site: Int
        var networkStatus: Int
    }

    static func fileSize(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? -1
    }

    /// The sizes of site `index`'s Site status file and network-status ConfigMap.
    static func documentBytes(_ network: Network, _ index: Int) -> Bytes {
        let layout = network.sites[index].layout
        return Bytes(
            site: fileSize(layout.statusFile(ResourceID(.site, network.names[index]))),
            networkStatus: fileSize(layout.status.appendingPathComponent(NetworkStatusDocument.fileName)))
    }

    static func statusRows(ten: [Bytes], single: Bytes, busy: [Bytes], singleBusy: Bytes, services: Int) throws -> [Row] {
        var rows: [Row] = []
        let tenSite = ten.map(\.site).max()!, tenNetwork = ten.map(\.networkStatus).max()!
        let busySite = busy.map(\.site).max()!, busyNetwork = busy.map(\.networkStatus).max()!
        rows.append(
            Row(
                benchmark: "Site status file (runtime/resources/Site-<name>.yaml), bytes, the largest of the sites", case_: "10 sites, 1 service each (real)",
                value: Double(tenSite), unit: "B", baseline: Double(single.site), baselineName: "one site, one service (real)"))
        rows.append(
            Row(
                benchmark: "network status (runtime/resources/\(NetworkStatusDocument.fileName)), bytes, the largest of the sites",
                case_: "10 sites, 1 service each (real)", value: Double(tenNetwork), unit: "B", baseline: Double(single.networkStatus),
                baselineName: "one site, one service (real)"))
        rows.append(
            Row(
                benchmark: "Site status file, bytes, the largest of the sites", case_: "10 sites, \(services) services each (real)", value: Double(busySite),
                unit: "B", baseline: Double(singleBusy.site), baselineName: "one site, \(services) services (real)"))
        rows.append(
            Row(
                benchmark: "network status, bytes, the largest of the sites", case_: "10 sites, \(services) services each (real)",
                value: Double(busyNetwork), unit: "B", baseline: Double(singleBusy.networkStatus), baselineName: "one site, \(services) services (real)"))

        // The documents from records built for them: at ten sites beside the real ones (how near the built records
        // come), at 100 sites against the 64 KiB target.
        let tenBuilt = try StatusSizeNetwork.documents(sites: 10, services: 1)
        let tenBusyBuilt = try StatusSizeNetwork.documents(sites: 10, services: services)
        let hundred = try StatusSizeNetwork.documents(sites: 100, services: 1)
        let hundredBusy = try StatusSizeNetwork.documents(sites: 100, services: services)
        say(
            "built records (Site status, network status, records, ms to make the view and both): 10 sites \(tenBuilt.summary); 10 sites with \(services) services \(tenBusyBuilt.summary); 100 sites \(hundred.summary); 100 sites with \(services) services \(hundredBusy.summary)"
        )
        rows.append(
            Row(
                benchmark: "Site status (SiteStatusFigures.yaml of NetworkView of built records), bytes", case_: "10 sites, 1 service each (built)",
                value: Double(tenBuilt.site), unit: "B", baseline: Double(tenSite), baselineName: "10 sites, 1 service each (real, the largest)"))
        rows.append(
            Row(
                benchmark: "network status (NetworkStatusDocument.yaml of built records), bytes", case_: "10 sites, 1 service each (built)",
                value: Double(tenBuilt.networkStatus), unit: "B", baseline: Double(tenNetwork), baselineName: "10 sites, 1 service each (real, the largest)"))
        rows.append(
            Row(
                benchmark: "Site status (SiteStatusFigures.yaml), bytes", case_: "100 sites, 1 service each (built)", value: Double(hundred.site), unit: "B",
                baseline: Double(tenBuilt.site), baselineName: "10 sites (built)", target: "< 64 KiB (65,536 B)", met: hundred.site < 65_536))
        rows.append(
            Row(
                benchmark: "Site status (SiteStatusFigures.yaml), bytes", case_: "100 sites, \(services) services each (built)",
                value: Double(hundredBusy.site), unit: "B", baseline: Double(tenBuilt.site), baselineName: "10 sites, 1 service each (built)",
                target: "< 64 KiB (65,536 B)", met: hundredBusy.site < 65_536))
        rows.append(
            Row(
                benchmark: "network status (NetworkStatusDocument.yaml), bytes", case_: "100 sites, 1 service each (built)",
                value: Double(hundred.networkStatus),
                unit: "B", baseline: Double(tenBuilt.networkStatus), baselineName: "10 sites (built)"))
        rows.append(
            Row(
                benchmark: "network status (NetworkStatusDocument.yaml), bytes", case_: "100 sites, \(services) services each (built)",
                value: Double(hundredBusy.networkStatus), unit: "B", baseline: Double(tenBuilt.networkStatus), baselineName: "10 sites, 1 service each (built)")
        )
        rows.append(
            Row(
                benchmark: "CPU to make NetworkView and both documents from the records (median of 20)",
                case_: "10 sites, \(services) services each (built)", value: tenBusyBuilt.milliseconds, unit: "ms", baseline: tenBuilt.milliseconds,
                baselineName: "10 sites, 1 service each (built)"))
        rows.append(
            Row(
                benchmark: "CPU to make NetworkView and both documents from the records (median of 20)", case_: "100 sites, 1 service each (built)",
                value: hundred.milliseconds, unit: "ms", baseline: tenBuilt.milliseconds, baselineName: "10 sites (built)"))
        rows.append(
            Row(
                benchmark: "CPU to make NetworkView and both documents from the records (median of 20)", case_: "100 sites, \(services) services each (built)",
                value: hundredBusy.milliseconds, unit: "ms", baseline: tenBuilt.milliseconds, baselineName: "10 sites (built)"))
        return rows
    }
}

/// A network's records built for the size figures: each site's SITE, ROUTER, ROUTER_ACCESS, LINKs to the two hubs
/// (the hubs: h2 to h1), `services` LISTENERs (for the next site's routing keys, around the ring) and `services`
/// CONNECTORs, as RECORD bodies with skupper-router's attribute codes, decoded by `RecordDecoder` and taken into a
/// `FlowStore` source by source, as the agent's collector takes them in. The attributes are those the ten real sites'
/// routers send (a CONNECTOR has no name or protocol), but every site has a ROUTER_ACCESS (the real leaves, without
/// link access, have none: a few bytes more a site than theirs).
enum StatusSizeNetwork {
    static func record(_ type: UInt64, _ identity: String, _ attributes: [UInt64: AMQPValue]) -> AMQPValue {
        SyntheticNetwork.record(type, identity, attributes)
    }

    /// The names the ten-site network has (h1, h2, s3…), and on.
    static func name(_ index: Int) -> String { index < 2 ? "h\(index + 1)" : "s\(index + 1)" }
    static func siteId(_ index: Int) -> String { "6b0c5a3e-\(String(format: "%04x", index))-4d1e-9f2a-\(String(format: "%012x", 0x5eed_0000 + index))" }
    /// A source id like a router's (five letters and digits, `PsF7D`) and the router's name as this agent gives it
    /// (`<site>-<seconds>-<nanoseconds>`).
    static func source(_ index: Int) -> String {
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var value = 0x2F_0C3A_91 &+ index &* 7_919
        return String(
            (0..<5).map { _ in
                defer { value /= digits.count }
                return digits[value % digits.count]
            })
    }
    static func routerId(_ index: Int) -> String { "\(name(index))-1767225600-\(String(format: "%09d", 123_456_789 - index * 1_001))" }

    static func body(site index: Int, of count: Int, services: Int) -> AMQPValue {
        let prefix = source(index), router = "\(prefix):0"
        let next = (index + 1) % count
        func service(_ site: Int, _ number: Int) -> String { services == 1 ? "svc-\(name(site))" : "svc-\(name(site))-\(number)" }
        var items: [AMQPValue] = [
            record(
                0x00, siteId(index),
                [30: .string(routerId(index)), 11: .string("linux"), 12: .string("default"), 32: .string("2.1.0-local.0.1.0")]),
            record(
                0x01, router,
                [2: .string(siteId(index)), 30: .string("0/\(routerId(index))"), 13: .string("interior"), 32: .string("3.5.1")]),
            record(
                0x0f, "\(prefix):1",
                [
                    2: .string(router), 30: .string("skupper-inter-router"), 54: .string("inter-router"),
                    52: .uint(UInt64(index == 0 ? count - 1 : index == 1 ? count - 2 : 0)),
                ]),
        ]
        let hubs = index == 0 ? [] : index == 1 ? [0] : [0, 1]
        for (number, hub) in hubs.enumerated() {
            items.append(
                record(
                    0x02, "\(prefix):\(2 + number)",
                    [
                        2: .string(router), 30: .string("to-\(name(hub))"), 54: .string("inter-router"), 53: .string("up"), 33: .uint(1),
                        6: .string("\(source(hub)):1"),
                    ]))
        }
        for number in 0..<services {
            items.append(
                record(
                    0x04, "\(prefix):\(10 + 2 * number)",
                    [
                        2: .string(router), 30: .string("listener/\(service(next, number))"), 19: .string(service(next, number)), 16: .string("tcp"),
                        15: .string("127.0.0.1"), 18: .string(String(20_000 + index * services + number)),
                    ]))
            items.append(
                record(
                    0x05, "\(prefix):\(11 + 2 * number)",
                    [2: .string(router), 19: .string(service(index, number)), 15: .string("127.0.0.1"), 18: .string(String(40_000 + index))]))
        }
        return .list(items)
    }

    struct Documents {
        var site: Int
        var networkStatus: Int
        var records: Int
        var milliseconds: Double

        var summary: String { "\(site) B, \(networkStatus) B, \(records), \(String(format: "%.2f", milliseconds)) ms" }
    }

    /// The Site status of a leaf (s3) and the network-status ConfigMap for `count` sites.
    static func documents(sites count: Int, services: Int) throws -> Documents {
        var store = FlowStore()
        let decoder = RecordDecoder()
        for index in 0..<count {
            let decoded = decoder.decode(body: body(site: index, of: count, services: services))
            guard decoded.problems.isEmpty, decoded.skipped == 0 else { throw TestFailure("built records: \(decoded.problems)") }
            let applied = store.apply(decoded.records, from: source(index), isKnownSource: { _ in true })
            guard applied.problems.isEmpty else { throw TestFailure("built records: \(applied.problems)") }
        }
        let records = store.records
        let own = siteId(2)
        var site = "", networkStatus = ""
        var times: [Double] = []
        for _ in 0..<20 {
            let start = Measure.now()
            let view = NetworkView(records: records, ownSiteId: own)
            site = SiteStatusFigures.yaml(siteName: name(2), siteId: own, network: view.sites)
            networkStatus = NetworkStatusDocument.yaml(records: records, namespace: "default")
            times.append(Measure.milliseconds(since: start))
            guard view.sites.count == count else { throw TestFailure("built records: \(view.sites.count) sites in the view, not \(count)") }
        }
        return Documents(site: site.utf8.count, networkStatus: networkStatus.utf8.count, records: records.count, milliseconds: Measure.median(times))
    }
}
