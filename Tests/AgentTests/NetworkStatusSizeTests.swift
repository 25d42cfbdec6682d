import Foundation
import Platforms
import Resources
import RouterManagement
import Testing

@testable import Agent

/// The Site status carries the network summary: at 100 sites it stays small (v2 outgrew a 1 MiB ConfigMap at 77).
@Suite struct NetworkStatusSizeTests {
    /// `count` sites in a redundant star (every site linked to the two hubs), each with `services` services.
    static func network(sites count: Int, services: Int) -> [NetworkSite] {
        (0..<count).map { index in
            let links = [0, 1].filter { $0 != index }.map {
                NetworkLink(
                    name: "link-to-hub-\($0)", remoteSiteId: "00000000-0000-4000-8000-\(String(format: "%012d", $0))", remoteSiteName: "hub-\($0)",
                    operational: true)
            }
            let own = (0..<services).map {
                NetworkService(routingKey: "svc-\(index)-\($0)", listeners: ["svc-\(index)-\($0)"], connectors: ["10.0.0.\($0 % 250)"])
            }
            return NetworkSite(
                routerId: "site-\(index)-1796630432-402499675", siteId: "00000000-0000-4000-8000-\(String(format: "%012d", index))", name: "site-\(index)",
                mode: "interior", platform: "linux", version: "2.1.0-local.0.1.0", namespace: "default",
                listenerAddresses: Set(own.map(\.routingKey)), connectorAddresses: Set(own.map(\.routingKey)), links: links, services: own)
        }
    }

    static func siteStatusBytes(_ network: [NetworkSite]) throws -> Int {
        let resources = try ResourceLoader.parse("apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: site-0}\n", file: "in.yaml").resources
        let plan = SitePlan(resources: resources, identity: SiteIdentity(siteId: network[0].siteId, routerId: network[0].routerId))
        var router = RouterObservation()
        router.network = network
        let builder = StatusBuilder(plan: plan, platform: PlatformState(.running, "running"), router: router, fileErrors: 0)
        let site = try #require(resources.first)
        let status = try #require(builder.statuses(for: [site], external: [:])[site.id])
        #expect(status.field(StatusKey.sitesInNetwork) == .int(network.count))
        let document = StatusDocument(id: site.id, namespace: "default", status: status, body: StatusDocument.body(of: site), uid: network[0].siteId)
        return document.yaml().utf8.count
    }

    @Test func theSiteStatusStaysUnder64KiBAt100Sites() throws {
        let ten = try Self.siteStatusBytes(Self.network(sites: 10, services: 1))
        let hundred = try Self.siteStatusBytes(Self.network(sites: 100, services: 1))
        let busy = try Self.siteStatusBytes(Self.network(sites: 100, services: 100))
        print("Site status bytes: 10 sites \(ten), 100 sites \(hundred), 100 sites with 100 services each \(busy)")
        #expect(hundred < 64 * 1024)
        #expect(busy < 64 * 1024, "the services are left out past the budget: the network-status ConfigMap has them")
    }
}
