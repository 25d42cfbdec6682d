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
/// gone, and to notice a hub's router stopped (SIGSTOP) and continued. The network is TestSupport's `TenSiteNetwork`
/// (the bench's `network-scale` section runs it too); the checks are here.
@Suite("Ten sites in a redundant star, real routers run by their agents", .serialized)
struct TenSiteNetworkTests {
    typealias Network = TenSiteNetwork

    /// The sites in order: the hubs first. Index `i` listens for the routing key of index `(i + 1) % 10`.
    static let names = Network.names
    static let leaves = Network.leaves
    /// The Links the token names give: a Link is named for the token it was redeemed from.
    static let linkToH1 = Network.linkToH1, linkToH2 = Network.linkToH2

    static func seconds(_ interval: TimeInterval?) -> String { Network.seconds(interval) }

    static func report(_ line: String) { Network.printReport(line) }

    static func measure(timeout: TimeInterval, since start: Date = Date(), interval: TimeInterval = 0.1, _ condition: () -> Bool) -> TimeInterval? {
        Network.measure(timeout: timeout, since: start, interval: interval, condition)
    }

    // MARK: - The test

    @Test func aRedundantStarOfTenSitesFormsCarriesTrafficAndRecovers() throws {
        let network = try Network()
        defer { Self.stopAndCheck(network) }
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
        // Every Listener has its matching Connector at the next site, and every Connector its Listener, as the
        // network's records say.
        let everyMatch = {
            all.allSatisfy { index in
                let site = network.sites[index]
                return site.status(.listener, network.service(network.next(index)))?.status.field(StatusKey.hasMatchingConnector) == .bool(true)
                    && site.status(.connector, network.service(index))?.status.field(StatusKey.hasMatchingListener) == .bool(true)
            }
        }
        let matched = Self.measure(timeout: 10, since: trafficStart, everyMatch)
        #expect(matched != nil, "not every Listener and Connector says it has its match:\n\(network.describe(all))")

        // 3. h1's router is killed: its agent starts it again; traffic through every Listener, ten sites everywhere and
        // every Link to h1 Ready again, measured from the kill (target 5 s).
        let toH1 = [1] + Self.leaves
        let linksUp = Self.measure(timeout: 10) { toH1.allSatisfy { network.linkPhase($0, Self.linkToH1) == .ready } }
        #expect(linksUp != nil, "Links to h1 not Ready before the kill:\n\(network.describe(toH1))")
        if let recovery = network.killH1RouterAndWatch(timeout: 20) {
            let (oldPid, killed, recovered, echoed) = (recovery.pid, recovery.killed, recovery.all, recovery.echoed)
            let (since, linksSeenDown, sitesSeenOther) = (recovery.parts, recovery.linksSeenDown, recovery.sitesSeenOther)
            let parts = since.sorted { $0.value < $1.value }.map { "\($0.key) at \(Self.seconds($0.value))" }.joined(separator: ", ")
            let slowest = echoed.sorted { $0.value > $1.value }.prefix(3).map { "\(Self.names[$0.key]) \(Self.seconds($0.value))" }
            let lastCounting = recovery.counted.sorted { $0.value > $1.value }.prefix(3).map { "\(Self.names[$0.key]) \(Self.seconds($0.value))" }
            let names = { (indices: Set<Int>) in indices.sorted().map { Self.names[$0] } }
            Self.report(
                "check 3: after SIGKILL of h1's router (pid \(oldPid)), traffic, 10 sites and Links to h1 all back after \(Self.seconds(recovered)) (target 5 s); each part since: \(parts); slowest Listeners: \(slowest); last Sites to count 10: \(lastCounting); while it was down, Links to h1 seen not Ready on \(names(linksSeenDown)), sites seen counting other than 10: \(names(sitesSeenOther))"
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
        // The leaf comes back: every site counts ten again (the leaf is no link's peer: it is found in the routers'
        // address tables once its links are up, not at its next beacon).
        let rejoining = Date()
        try network.restartAgent(leaf)
        let rejoined = Self.measure(timeout: 20, since: rejoining) { all.allSatisfy { network.sitesInNetwork($0) == 10 } }
        Self.report("check 4: \(Self.names[leaf])'s agent started again; every Site reports sitesInNetwork 10 after \(Self.seconds(rejoined))")
        summary.append("4 leaf back → 10 sites \(Self.seconds(rejoined))")
        #expect(rejoined != nil, "\(Self.names[leaf]) came back, not every site counts 10 within 20 s:\n\(network.describe(all))")
        // Its Connector, now its new router's, matches the Listener before it around the ring again.
        let rematched = Self.measure(timeout: 20, since: rejoining, everyMatch)
        Self.report("check 4: every Listener and Connector has its match again after \(Self.seconds(rematched)) (since the restart)")
        #expect(rematched != nil, "\(Self.names[leaf]) came back, not every Listener and Connector says it has its match:\n\(network.describe(all))")
        // Back and quiet: an agent that read its router's address table again at each answer kept itself and its
        // router busy (a third and more than half of a core).
        if let router = network.runningRouter(leaf) {
            let busy = ProcessCPU.percent([network.agents[leaf].pid, router], over: 3)
            Self.report("check 4: \(Self.names[leaf]) rejoined: agent and router CPU over 3 s \(busy.map { $0.map { String(format: "%.1f%%", $0) } ?? "-" })")
            #expect(busy.allSatisfy { ($0 ?? 0) < 10 }, "\(Self.names[leaf]) rejoined and stays busy: \(busy)\n\(network.logs([leaf]))")
        }

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

        // 6. Every site adds 100 services at once, drops its Connectors at once, and adds them again: bursts of records
        // the routers may lose on their way to other sites (seen: whole bursts, nothing counted as dropped). After
        // each, every Listener says whether its Connector is there (what was lost comes in a resend of its router).
        let count = 100
        let taken = Set(network.listenerPorts + network.routerPorts + network.echoes.map(\.port))
        let ports = Network.distinctFreePorts(all.count * count, excluding: taken)
        let bySite = all.map { Array(ports[($0 * count)..<(($0 + 1) * count)]) }
        let saying = { (matched: Bool) -> [Int: Int] in
            var wrong: [Int: Int] = [:]
            for index in all {
                for number in 0..<count {
                    let key = "\(network.service(network.next(index)))-\(number)"
                    let field = network.sites[index].status(.listener, key)?.status.field(StatusKey.hasMatchingConnector)
                    if field != .bool(matched) { wrong[index, default: 0] += 1 }
                }
            }
            return wrong
        }
        let byName = { (wrong: [Int: Int]) in wrong.sorted { $0.key < $1.key }.map { "\(Self.names[$0.key]) \($0.value)" } }
        for (step, connectors) in [("added", true), ("Connectors dropped", false), ("Connectors added again", true)] {
            var wrong: [Int: Int] = [:]
            let writing = Date()
            try network.writeServices(count: count, ports: bySite, connectors: connectors)
            let settled = Self.measure(timeout: 60, since: writing, interval: 1) {
                wrong = saying(connectors)
                return wrong.isEmpty
            }
            Self.report("check 6: \(count) services a site, \(step) on every site at once: every Listener says so after \(Self.seconds(settled))")
            summary.append("6 \(step) → \(Self.seconds(settled))")
            #expect(
                settled != nil, "\(count) services a site, \(step): Listeners saying otherwise after 60 s, by site: \(byName(wrong))\n\(network.describe(all))")
        }
        Self.report("summary: \(summary.joined(separator: "; "))")
    }

    /// Stops the network and records an issue for an agent that did not exit 0 on SIGTERM or a router that outlived
    /// its agent.
    static func stopAndCheck(_ network: Network) {
        guard let outcome = network.stop() else { return }
        #expect(outcome.unclean.isEmpty, "agents that did not exit 0 on SIGTERM: \(outcome.unclean)")
        #expect(outcome.routersLeft.isEmpty, "routers outlived their agents: \(outcome.routersLeft.map { "\(names[$0.site]) pid \($0.pid)" })")
    }
}
