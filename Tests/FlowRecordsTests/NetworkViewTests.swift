import FlowRecords
import RouterEntities
import RouterManagement
import Testing

/// The view resolves who each link reached (LINK.peer -> ROUTER_ACCESS -> ROUTER -> SITE) and each site's services.
@Suite struct NetworkViewTests {
    static func store(sites: Int) -> FlowStore {
        var store = FlowStore()
        let decoder = RecordDecoder()
        for index in 0..<sites {
            let source = "src\(index)"
            // Every site links to the two hubs (sites 0 and 1).
            let links = [0, 1].filter { $0 != index }.map { (name: "link-to-\($0)", peer: "src\($0):1") }
            let body = Records.wholeSite(source, siteId: "site-\(index)", name: "s\(index)", links: links)
            _ = store.apply(decoder.decode(body: body).records, from: source, isKnownSource: { _ in true })
        }
        return store
    }

    @Test func linksSayWhichSiteTheyReachedAndServicesWhereTheirEndsAre() throws {
        let view = NetworkView(records: Self.store(sites: 3).records, ownSiteId: "site-2")
        #expect(view.sites.count == 3)
        let own = try #require(view.sites.first { $0.siteId == "site-2" })
        #expect(own.name == "s2" && own.routerId == "s2-1700000000-1" && own.namespace == "default")
        #expect(own.links.map(\.remoteSiteName) == ["s0", "s1"] && own.links.allSatisfy(\.operational))
        #expect(own.services == [NetworkService(routingKey: "svc-s2", listeners: ["to-s2"], connectors: ["10.0.0.4"])])
        #expect(view.hasOwnRouter)
        #expect(view.ownLinks["link-to-0"]?.isUp == true && view.ownLinks["link-to-0"]?.remoteSiteName == "s0")
        #expect(view.sites.first { $0.siteId == "site-0" }?.links.map(\.remoteSiteName) == ["s1"], "a hub links to the other hub only")
    }

    @Test func theNetworkStatusDocumentIsV2sNetworkStatusInfo() throws {
        let store = Self.store(sites: 2)
        let json = NetworkStatusDocument.json(records: store.records)
        guard case .object(let top) = json else {
            Issue.record("not an object")
            return
        }
        #expect(top.map(\.0) == ["addresses", "siteStatus"])
        let text = json.compact()
        for expected in [
            #""siteStatus":[{"site":{"identity":"site-0","name":"s0-1700000000-1","namespace":"default","platform":"linux","siteVersion":"2.1.0"}"#,
            #""routerStatus":[{"router":{"name":"0/s0-1700000000-1","mode":"interior"}"#, #""routerAccess":[{"identity":"src0:1"}]"#,
            #"{"name":"link-to-0","status":"up","role":"inter-router","peer":"src0:1"}"#,
            #"{"name":"svc-s0","startTime":0,"endTime":0,"protocol":"tcp","listenerCount":1,"connectorCount":1}"#,
        ] {
            #expect(text.contains(expected), "\(expected)\nin \(text)")
        }
        let yaml = NetworkStatusDocument.yaml(records: store.records, namespace: "default")
        #expect(yaml.hasPrefix("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skupper-network-status\n"))
    }
}
