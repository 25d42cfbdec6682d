import FlowRecords
import Foundation
import Logging
import TestSupport
import Testing

@testable import NetworkConsole

/// The observer API against network-observer's OpenAPI (cmd/network-observer/spec/openapi.yaml), over a collector
/// fed a synthetic network (a stand-in for routers this machine cannot run a hundred of).
@Suite struct ObserverAPITests {
    /// Each schema's required fields, as the OpenAPI lists them (baseRecord's three and the type's own).
    static let required: [String: [String]] = [
        "sites": ["identity", "startTime", "endTime", "provider", "platform", "name", "namespace", "version", "routerCount"],
        "routers": ["identity", "startTime", "endTime", "siteId", "name", "mode", "imageName", "imageVersion", "hostName", "buildVersion"],
        "listeners": ["identity", "startTime", "endTime", "routerId", "name", "destHost", "destPort", "protocol", "routingKey", "siteId", "siteName"],
        "connectors": [
            "identity", "startTime", "endTime", "routerId", "name", "destHost", "destPort", "protocol", "routingKey", "processId", "target", "siteId",
            "siteName",
        ],
        "services": [
            "identity", "startTime", "endTime", "name", "protocol", "observedApplicationProtocols", "listenerCount", "connectorCount", "isBound",
            "hasListener",
        ],
        "routerlinks": [
            "identity", "startTime", "endTime", "routerId", "routerName", "name", "cost", "role", "status", "octetCount", "octetReverseCount",
            "sourceSiteId", "sourceSiteName", "destinationSiteId", "destinationSiteName", "routerAccessId", "destinationRouterId",
            "destinationRouterName",
        ],
        "routeraccess": ["identity", "startTime", "endTime", "routerId", "name", "linkCount", "role"],
        "connections": [
            "identity", "startTime", "endTime", "sourceSiteId", "sourceSiteName", "destSiteId", "destSiteName", "sourceProcessId",
            "sourceProcessName", "destProcessId", "destProcessName", "duration", "processPairId", "componentPairId", "sitePairId", "protocol",
            "routingKey", "listenerId", "connectorId", "sourceHost", "sourcePort", "destHost", "destPort", "proxyHost", "proxyPort", "octetCount",
            "octetReverseCount", "latency", "latencyReverse", "listenerError", "connectorError", "traceRouters", "traceSites",
        ],
    ]

    static func routes(sites: Int = 3, connections: Int = 10, authentication: ConsoleAuthentication? = nil) -> (ConsoleRoutes, ConsoleFeed) {
        var settings = FlowCollector.Settings()
        settings.followFlows = true
        let collector = FlowCollector(ownSiteId: SyntheticNetwork.siteId(0), settings: settings, logger: Logger(label: "test"))
        SyntheticNetwork(sites: sites, connections: connections).feed(collector)
        let feed = ConsoleFeed()
        feed.follow(collector)
        var overview = AgentOverview()
        overview.siteName = "site-000"
        overview.siteId = SyntheticNetwork.siteId(0)
        overview.namespace = "default"
        overview.platform = "linux"
        overview.ready = true
        overview.routerState = "running"
        overview.resources = [AgentOverview.Resource(kind: "Site", name: "site-000", status: "Ready", message: "OK")]
        feed.update(overview)
        return (ConsoleRoutes(feed: feed, authentication: authentication, boundHost: "127.0.0.1"), feed)
    }

    /// The answer's status and JSON object (read by Foundation, which keeps nulls and key order aside).
    static func get(_ routes: ConsoleRoutes, _ uri: String) -> (Int, [String: Any]) {
        let response = routes.answer(ConsoleRequest(method: "GET", uri: uri, host: "localhost:8010"))
        let object = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        return (response.status, object ?? [:])
    }

    static func results(_ body: [String: Any]) -> [[String: Any]] { body["results"] as? [[String: Any]] ?? [] }

    @Test(arguments: Array(required.keys).sorted())
    func everyRecordHasTheSchemasRequiredFieldsInItsOrder(collection: String) throws {
        let (routes, _) = Self.routes()
        let (status, body) = Self.get(routes, "/api/v2alpha1/\(collection)")
        #expect(status == 200)
        #expect(Set(body.keys) == ["count", "results", "timeRangeCount"])
        let results = Self.results(body)
        #expect(!results.isEmpty)
        for result in results {
            let names = Set(result.keys)
            #expect(Set(Self.required[collection]!).isSubset(of: names), "\(collection): missing \(Set(Self.required[collection]!).subtracting(names))")
        }
    }

    @Test func sitesCarryTheirRoutersNamesAndPlatforms() throws {
        let (routes, _) = Self.routes()
        let (_, body) = Self.get(routes, "/api/v2alpha1/sites")
        #expect(body["count"] as? Int == 3)
        let sites = Self.results(body)
        #expect(sites.compactMap { $0["name"] as? String } == ["site-000", "site-001", "site-002"])
        #expect(sites.compactMap { $0["platform"] as? String } == ["linux", "podman", "docker"])
        #expect(sites.allSatisfy { $0["routerCount"] as? Int == 1 })
    }

    @Test func linksNameBothEndsSites() throws {
        let (routes, _) = Self.routes()
        let (_, body) = Self.get(routes, "/api/v2alpha1/routerlinks?sourceSiteName=site-001")
        let links = Self.results(body)
        #expect(Set(links.compactMap { $0["destinationSiteName"] as? String }) == ["site-000", "site-002"])
        #expect(links.allSatisfy { $0["status"] as? String == "up" && $0["cost"] as? Int == 1 })
    }

    @Test func connectionsPageSortAndFilterAsTheObserverDoes() throws {
        let (routes, _) = Self.routes(connections: 40)
        let (_, all) = Self.get(routes, "/api/v2alpha1/connections")
        #expect(all["count"] as? Int == 40)
        let (_, page) = Self.get(routes, "/api/v2alpha1/connections?limit=5&offset=10&sortBy=octetCount.desc")
        #expect(page["count"] as? Int == 5)
        #expect(page["timeRangeCount"] as? Int == 40)
        let rows = Self.results(page)
        #expect(rows.compactMap { $0["octetCount"] as? Int } == [1029, 1028, 1027, 1026, 1025])
        let (_, active) = Self.get(routes, "/api/v2alpha1/connections?state=active")
        #expect(active["count"] as? Int == 20)
        let (_, filtered) = Self.get(routes, "/api/v2alpha1/connections?routingKey=svc-1-&state=terminated")
        let closed = Self.results(filtered)
        #expect(!closed.isEmpty && closed.allSatisfy { ($0["routingKey"] as? String ?? "").hasPrefix("svc-1-") && $0["endTime"] as? Int != 0 })
        let sample = try #require(rows.first)
        #expect(sample["sourceSiteName"] as? String != "" && sample["destSiteName"] as? String != "")
        #expect((sample["destHost"] as? String)?.hasPrefix("10.0.") == true)
        #expect(sample["duration"] is NSNull || sample["duration"] is Int)
    }

    @Test func oneRecordAndSubCollections() throws {
        let (routes, _) = Self.routes(connections: 12)
        let (status, body) = Self.get(routes, "/api/v2alpha1/sites/\(SyntheticNetwork.siteId(1))")
        #expect(status == 200)
        #expect((body["results"] as? [String: Any])?["name"] as? String == "site-001")
        let (missing, error) = Self.get(routes, "/api/v2alpha1/sites/nobody")
        #expect(missing == 404)
        #expect(error["code"] as? String == "ErrNotFound")
        let (_, routers) = Self.get(routes, "/api/v2alpha1/sites/\(SyntheticNetwork.siteId(1))/routers")
        #expect(routers["count"] as? Int == 1)
        let key = SyntheticNetwork.routingKey(site: 0, service: 0)
        let (_, connections) = Self.get(routes, "/api/v2alpha1/services/\(key)/connections")
        let rows = Self.results(connections)
        #expect(!rows.isEmpty && rows.allSatisfy { $0["routingKey"] as? String == key })
        // The older name of services.
        #expect(Self.get(routes, "/api/v2alpha1/addresses").0 == 200)
        #expect(Self.get(routes, "/api/v2alpha1/processes").1["count"] as? Int == 0)
        #expect(Self.get(routes, "/api/v2alpha1/hosts").0 == 410)
    }

    @Test func aBadQueryIsA400WithTheObserversWords() {
        let (routes, _) = Self.routes()
        let (status, body) = Self.get(routes, "/api/v2alpha1/sites?nosuchfield=1")
        #expect(status == 400)
        #expect((body["message"] as? String)?.contains("invalid filter parameter") == true)
        #expect(Self.get(routes, "/api/v2alpha1/sites?sortBy=nosuch.asc").0 == 400)
        #expect(Self.get(routes, "/api/v2alpha1/nosuch").0 == 404)
    }

    @Test func servicesSayWhetherTheyAreBound() throws {
        let (routes, _) = Self.routes()
        let (_, body) = Self.get(routes, "/api/v2alpha1/services")
        let services = Self.results(body)
        #expect(services.count == 6)
        #expect(services.allSatisfy { $0["isBound"] as? Bool == true && $0["hasListener"] as? Bool == true && $0["listenerCount"] as? Int == 1 })
    }

    @Test func networkMetricsUseTheObserversNames() {
        let (routes, _) = Self.routes(connections: 10)
        let response = routes.answer(ConsoleRequest(method: "GET", uri: "/metrics", host: "127.0.0.1:8010"))
        #expect(response.status == 200)
        for line in [
            "skupper_site_info{site_id=\"\(SyntheticNetwork.siteId(0))\",name=\"site-000\",version=\"2.1.0\"} 1",
            "skupper_routers_total{site_id=\"\(SyntheticNetwork.siteId(0))\",mode=\"interior\"} 1",
            "skupper_site_links_total{site_id=\"\(SyntheticNetwork.siteId(1))\",status=\"up\",role=\"inter-router\"} 2",
            "# TYPE skupper_connections_opened_total counter", "# TYPE skupper_sent_bytes_total counter",
        ] {
            #expect(response.body.contains(line), "\(line)")
        }
        #expect(response.body.contains("skupper_connections_closed_total{source_site_id=\"\(SyntheticNetwork.siteId(0))\""))
    }
}
