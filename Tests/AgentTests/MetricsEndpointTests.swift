import Foundation
import TestSupport
import Testing

/// `--metrics-address`: Prometheus metrics and readiness over a real socket from a running agent.
@Suite("Metrics endpoint")
struct MetricsEndpointTests {
    /// The value of the sample whose line starts with `prefix` (a name and its labels), if there is one.
    static func sample(_ metrics: String, _ prefix: String) -> Double? {
        for line in metrics.split(separator: "\n") where line.hasPrefix(prefix + " ") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    /// The sum of `skupperd_resources` over the states of `kind`.
    static func resources(_ metrics: String, kind: String) -> Double {
        metrics.split(separator: "\n").filter { $0.hasPrefix("skupperd_resources{kind=\"\(kind)\",") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    @Test func metricsAndHealthOverHTTP() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", ResourceYAML.site("west"))
        try site.write("db.yaml", ResourceYAML.listener("db", port: freePort(), host: "127.0.0.1"))
        try site.write("web.yaml", ResourceYAML.listener("web", port: freePort(), host: "127.0.0.1"))
        try site.write("broken.yaml", "kind: Listener\nmetadata: [unclosed\n")
        let port = freePort()
        let agent = try AgentProcess(site: site, arguments: ["--metrics-address", "127.0.0.1:\(port)"])
        defer { agent.stop() }
        var health = (status: 0, body: "")
        #expect(
            site.eventually {
                health = (try? PlainHTTP.get("/healthz", port: port)) ?? (0, "")
                return health.status == 200
            }, "\(health)\nlog:\n\(agent.log)")
        #expect(health.body == "ok\n")

        var metrics = ""
        #expect(
            site.eventually {
                metrics = (try? PlainHTTP.get("/metrics", port: port).body) ?? ""
                return Self.resources(metrics, kind: "Listener") == 2
            }, "\(metrics)")
        let reconciles = try #require(Self.sample(metrics, "skupperd_reconciles_total"), "\(metrics)")
        #expect(reconciles >= 1)
        #expect((Self.sample(metrics, "skupperd_reconcile_duration_seconds_count") ?? 0) >= 1, "\(metrics)")
        #expect(Self.sample(metrics, "skupperd_router_state{state=\"rendered\"}") == 1, "\(metrics)")
        #expect(Self.sample(metrics, "skupperd_router_state{state=\"failed\"}") == 0, "\(metrics)")
        #expect(Self.sample(metrics, "skupperd_input_errors") == 1, "\(metrics)")
        #expect(Self.resources(metrics, kind: "Site") == 1, "\(metrics)")
        // Seconds left before each certificate's end: the site CA's is years.
        let siteCA = metrics.split(separator: "\n").first {
            $0.hasPrefix("skupperd_certificate_expiry_seconds{") && $0.contains("name=\"skupper-site-ca\"") && $0.contains("kind=\"ca\"")
        }
        #expect((siteCA.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0) > 365 * 86_400, "\(metrics)")

        // Dropping a Listener and fixing the broken file shows in the next scrape.
        try site.remove("web.yaml")
        try site.remove("broken.yaml")
        #expect(
            site.eventually {
                metrics = (try? PlainHTTP.get("/metrics", port: port).body) ?? ""
                return Self.resources(metrics, kind: "Listener") == 1 && Self.sample(metrics, "skupperd_input_errors") == 0
            }, "\(metrics)")
        #expect((Self.sample(metrics, "skupperd_reconciles_total") ?? 0) > reconciles)

        // A second agent cannot have the same address: it exits at once and says why.
        let other = try TemporarySite()
        let taken = try run([
            BuiltProducts.executable("skupperd").path, "--config-dir", other.layout.root.path, "--platform", "render",
            "--disable-grants", "--metrics-address", "127.0.0.1:\(port)",
        ])
        #expect(taken.status == 1 && taken.output.contains("Error: --metrics-address 127.0.0.1:\(port): cannot listen: Address already in use"), "\(taken)")

        #expect(try PlainHTTP.get("/other", port: port).status == 404)
        #expect(try PlainHTTP.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", port: port).status == 405)
        let large = String(repeating: "a", count: 9000)
        #expect(try PlainHTTP.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\n\(large)", port: port).status == 413)
        #expect(agent.stop() == 0)
    }

    @Test func invalidAddressIsAUsageError() throws {
        let skupperd = try BuiltProducts.executable("skupperd").path
        for (value, reason) in [
            ("9464", "expected HOST:PORT"), ("127.0.0.1:99999", "the port must be a number"), ("::1:9464", "an IPv6 address goes in brackets"),
            (":9464", "the host must be"),
        ] {
            let result = try run([skupperd, "--metrics-address", value, "--config-dir", "/nonexistent"])
            #expect(result.status == 64, "\(result)")
            #expect(result.output.contains("--metrics-address: \"\(value)\" is not a valid address: \(reason)"), "\(result.output)")
        }
    }
}

/// Redemptions counted on both sides: the grant server's answers and the AccessTokens' attempts.
@Suite("Metrics endpoint: redemptions")
struct RedemptionMetricsTests {
    @Test func grantAndTokenRedemptionsAreCounted() throws {
        let a = try TemporarySite(), b = try TemporarySite()
        try a.write("site.yaml", GrantFlowTests.east)
        try a.write("grant.yaml", GrantFlowTests.grant("g1", allowed: 2))
        try b.write("site.yaml", GrantFlowTests.west)
        let portA = freePort(), portB = freePort()
        let agentA = try AgentProcess(
            site: a,
            arguments: [
                "--grant-server-port", String(freePort()), "--grant-server-bind", "127.0.0.1",
                "--grant-server-host", "127.0.0.1", "--metrics-address", "127.0.0.1:\(portA)",
            ])
        defer { agentA.stop() }
        let agentB = try AgentProcess(site: b, arguments: ["--metrics-address", "127.0.0.1:\(portB)"])
        defer { agentB.stop() }
        #expect(a.eventually { a.status(.accessGrant, "g1")?.status.phase == .ready }, "log:\n\(agentA.log)")
        let grant = try #require(a.status(.accessGrant, "g1")?.status)
        try b.write("good.yaml", try GrantFlowTests.token("good", from: grant))
        try b.write("bad.yaml", try GrantFlowTests.token("bad", from: grant, code: "not-the-code"))
        var metricsA = "", metricsB = ""
        #expect(
            b.eventually {
                metricsA = (try? PlainHTTP.get("/metrics", port: portA).body) ?? ""
                metricsB = (try? PlainHTTP.get("/metrics", port: portB).body) ?? ""
                return MetricsEndpointTests.sample(metricsB, "skupperd_token_redemptions_total{outcome=\"redeemed\"}") == 1
                    && MetricsEndpointTests.sample(metricsB, "skupperd_token_redemptions_total{outcome=\"rejected\"}") == 1
                    && MetricsEndpointTests.sample(metricsA, "skupperd_grant_redemptions_total{outcome=\"redeemed\",code=\"200\"}") == 1
                    && MetricsEndpointTests.sample(metricsA, "skupperd_grant_redemptions_total{outcome=\"refused\",code=\"403\"}") == 1
            }, "A:\n\(metricsA)\nB:\n\(metricsB)")
        #expect(MetricsEndpointTests.resources(metricsB, kind: "AccessToken") == 2, "\(metricsB)")
        #expect(MetricsEndpointTests.sample(metricsB, "skupperd_resources{kind=\"AccessToken\",state=\"Error\"}") == 1, "\(metricsB)")
    }
}
