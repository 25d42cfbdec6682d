import FlowRecords
import Foundation
import Logging
import NetworkConsole
import ServiceLifecycle
import TestSupport

/// The network console: the page's first paint and updates as a person sees them (headless Chromium), the API's
/// latency beside a static file from the same server, and the agent's idle memory with the console on. The 100-site
/// network is a synthetic record source fed to a real collector (this machine cannot run 100 routers).
enum ConsoleBench {
    static func run(quick: Bool) async throws -> [Row] {
        var rows: [Row] = []
        let loads = quick ? 3 : 10
        // The page at 100 sites (10,000 connections held) against the page at 1 site.
        var paints: [Int: [Double]] = [:]
        for sites in [1, 100] {
            let network = SyntheticNetwork(sites: sites, connections: sites == 100 ? 10_000 : 10)
            paints[sites] = try await serving(network) { url, _ in
                let browser = try HeadlessBrowser()
                defer { browser.close() }
                var samples: [Double] = []
                for _ in 0..<loads {
                    try browser.open(url)
                    try browser.wait("window.consoleFirstPaint", timeout: 10)
                    samples.append(try browser.evaluate("window.consoleFirstPaint") as? Double ?? .nan)
                }
                return samples
            }
        }
        let paint100 = Measure.quantile(paints[100]!, 0.5), paint1 = Measure.quantile(paints[1]!, 0.5)
        rows.append(
            Row(
                benchmark: "console: first paint of the page (median of \(loads) loads)", case_: "100 synthetic sites, 10,000 connections", value: paint100,
                unit: "ms", baseline: paint1, baselineName: "the page at 1 site", target: "< 1000 ms", met: paint100 < 1000))
        let worst = paints[100]!.max() ?? .nan
        rows.append(
            Row(
                benchmark: "console: first paint of the page (slowest of \(loads) loads)", case_: "100 synthetic sites, 10,000 connections", value: worst,
                unit: "ms", baseline: paints[1]!.max(), baselineName: "the page at 1 site", target: "< 1000 ms", met: worst < 1000))

        // A site joining: on the page (polling every second) and in the API (asked at once).
        let network = SyntheticNetwork(sites: 100, connections: 10_000)
        let (updates, apiUpdates) = try await serving(network) { url, collector -> ([Double], [Double]) in
            let browser = try HeadlessBrowser()
            defer { browser.close() }
            try browser.open(url)
            try browser.wait("document.querySelectorAll('#sites-table tr[data-site-id]').length == 100", timeout: 10)
            let port = Int(url.split(separator: ":").last?.filter(\.isNumber) ?? "") ?? 0
            var page: [Double] = [], api: [Double] = []
            for joining in 100..<(100 + loads) {
                let start = Measure.now()
                for message in network.joining(joining) { _ = collector.received(message, now: .now) }
                while !((try? PlainHTTP.get("/api/v2alpha1/sites/\(SyntheticNetwork.siteId(joining))", port: port).status) == 200) { usleep(1000) }
                api.append(Measure.milliseconds(since: start))
                try browser.wait("document.querySelector('#sites-table tr[data-site-id=\"\(SyntheticNetwork.siteId(joining))\"]')", timeout: 10)
                page.append(Measure.milliseconds(since: start))
            }
            return (page, api)
        }
        let slowestUpdate = updates.max() ?? .nan
        rows.append(
            Row(
                benchmark: "console: a site joining, on the page (slowest of \(loads))", case_: "100 synthetic sites", value: slowestUpdate, unit: "ms",
                baseline: apiUpdates.max(), baselineName: "in the API", target: "< 2000 ms", met: slowestUpdate < 2000))

        // The API at 100 sites and 10,000 connections, against a static file from the same server.
        let requests = quick ? 200 : 1000
        rows += try await serving(network) { url, collector -> [Row] in
            let port = Int(url.split(separator: ":").last?.filter(\.isNumber) ?? "") ?? 0
            func p99(_ path: String, changing: Bool = false) -> Double {
                var samples: [Double] = []
                for number in 0..<requests {
                    if changing { _ = collector.received(network.traffic(number % 10_000, octets: UInt64(5_000 + number)), now: .now) }
                    let start = Measure.now()
                    _ = try? PlainHTTP.fetch(path, port: port)
                    samples.append(Measure.milliseconds(since: start))
                }
                return Measure.quantile(samples, 0.99)
            }
            let floor = p99("/console.css")
            var rows: [Row] = []
            for (path, changing) in [
                ("/api/v2alpha1/sites", false), ("/api/v2alpha1/routerlinks", false), ("/api/v2alpha1/services", false),
                ("/api/v2alpha1/connections?limit=100&sortBy=startTime.desc", false), ("/api/console/state", false),
                ("/api/v2alpha1/sites", true), ("/api/v2alpha1/connections?limit=100&sortBy=startTime.desc", true), ("/api/console/state", true),
            ] {
                let value = p99(path, changing: changing)
                let size = (try? PlainHTTP.fetch(path, port: port).bodyBytes) ?? 0
                rows.append(
                    Row(
                        benchmark: "console API p99 (\(requests) requests, a connection each)",
                        case_:
                            "\(path)\(changing ? ", a connection's bytes changed before each" : "") (100 sites, 10,000 connections; \(size / 1024) KiB)",
                        value: value,
                        unit: "ms", baseline: floor, baselineName: "GET /console.css from the same server", target: "< 10 ms", met: value < 10))
            }
            let all = p99("/api/v2alpha1/connections")
            rows.append(
                Row(
                    benchmark: "console API p99 (\(requests) requests, a connection each)", case_: "/api/v2alpha1/connections, all 10,000 (unpaged)",
                    value: all, unit: "ms", baseline: floor, baselineName: "GET /console.css from the same server"))
            return rows
        }

        // The agent's idle memory with the console on, against the same agent with it off: as the memory section's idle
        // agent runs (render platform, the figure the target was set against), and with a real router whose records
        // the collector follows.
        for platform in ["render", "process"] {
            var rss: [Bool: Double] = [:]
            for console in [false, true] {
                let site = try TemporarySite()
                try site.write("site.yaml", ResourceYAML.site("bench"))
                var arguments = ["--platform", platform, "--disable-grants"]
                if platform == "process" { arguments += ["--router-path", try RealRouter.prefix().appendingPathComponent("sbin/skrouterd").path] }
                let agent = try AgentProcess(site: site, arguments: arguments + (console ? [] : ["--console-address", "none"]))
                _ = site.eventually(timeout: 30) { site.status(.site, "bench")?.status.phase == .ready }
                sleep(5)
                rss[console] = Measure.memory(pid: agent.pid).rss
                agent.stop()
            }
            let render = platform == "render"
            rows.append(
                Row(
                    benchmark: "idle RSS of the agent with the console on",
                    case_: render ? "1 site, render platform (as the memory section's idle agent)" : "1 site, a real router, its records followed",
                    value: rss[true]!, unit: "MiB", baseline: rss[false], baselineName: "--console-address none", target: render ? "< 25 MiB" : nil,
                    met: render ? rss[true]! < 25 : nil))
        }
        return rows
    }

    /// Serves `network`'s console on a free loopback port while `body` runs (off the server's threads).
    static func serving<T: Sendable>(_ network: SyntheticNetwork, _ body: @escaping @Sendable (String, FlowCollector) throws -> T) async throws -> T {
        var settings = FlowCollector.Settings()
        settings.followFlows = true
        let collector = FlowCollector(ownSiteId: SyntheticNetwork.siteId(0), settings: settings, logger: Logger(label: "bench"))
        network.feed(collector)
        let feed = ConsoleFeed()
        feed.follow(collector)
        var overview = AgentOverview()
        overview.siteName = "site-000"
        overview.siteId = SyntheticNetwork.siteId(0)
        overview.ready = true
        overview.routerState = "running"
        feed.update(overview)
        let port = freePort()
        let server = ConsoleServer(
            address: ConsoleAddress(host: "127.0.0.1", port: port), routes: ConsoleRoutes(feed: feed, authentication: nil, boundHost: "127.0.0.1"),
            logger: Logger(label: "bench"))
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "bench")))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            for _ in 0..<100 where (try? PlainHTTP.get("/healthz", port: port)) == nil { try await Task.sleep(for: .milliseconds(20)) }
            let result = try await Task.detached { try body("http://localhost:\(port)/", collector) }.value
            await group.triggerGracefulShutdown()
            for try await _ in tasks {}
            return result
        }
    }
}
