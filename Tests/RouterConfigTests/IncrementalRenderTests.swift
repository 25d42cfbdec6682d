import Foundation
import Resources
import RouterConfig
import Testing
import TestSupport

/// A plan updated one change at a time must say and render exactly what a plan built from scratch says.
@Suite("Incremental plan and rendering")
struct IncrementalRenderTests {
    static let site = Resource(metadata: ObjectMeta(name: "west"), spec: .site(SiteSpec()))

    static func listener(_ name: String, port: Int, key: String, tls: String? = nil) -> Resource {
        var spec = ListenerSpec(routingKey: key, host: "0.0.0.0", port: port)
        spec.tlsCredentials = tls
        return Resource(metadata: ObjectMeta(name: name), spec: .listener(spec))
    }

    static func connector(_ name: String, key: String, tls: String? = nil) -> Resource {
        var spec = ConnectorSpec(routingKey: key, host: "db-\(name)", port: 5432)
        spec.tlsCredentials = tls
        return Resource(metadata: ObjectMeta(name: name), spec: .connector(spec))
    }

    /// Facts a status depends on, for every listener and connector: its problem, or whether the other side matches.
    static func facts(_ plan: SitePlan, _ resources: [ResourceID: Resource]) -> [String] {
        resources.values.sorted { $0.name < $1.name }.map { resource in
            if let problem = plan.problem(for: resource.id) { return "\(resource.id) problem=\(problem)" }
            let matching = resource.listener.map { plan.services.hasConnector(routingKey: $0.routingKey) }
                ?? plan.services.hasListener(routingKey: resource.connector!.routingKey)
            return "\(resource.id) matching=\(matching)"
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func randomChangesMatchAFreshPlan(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let identity = RouterConfigTests.identity
        let renderer = RouterConfigRenderer(platform: "linux", sslProfileBasePath: "/B", version: "1")
        var resources: [ResourceID: Resource] = [:]
        var plan = SitePlan()
        plan.replan([Self.site], identity: identity)
        var rendered = RenderedServices()
        for step in 0..<400 {
            // Few ports, keys and TLS names, so conflicts and routing-key matches come and go.
            let name = "s\(random.next() % 24)"
            let id = ResourceID(random.next() % 2 == 0 ? .listener : .connector, name)
            let key = "k\(random.next() % 5)"
            let tls = random.next() % 4 == 0 ? "tls\(random.next() % 3)" : nil
            let new: Resource? = random.next() % 4 == 0 ? nil
                : id.kind == .listener ? Self.listener(name, port: 8000 + Int(random.next() % 6), key: key, tls: tls) : Self.connector(name, key: key, tls: tls)
            let before = Self.facts(plan, resources)
            resources[id] = new
            let update = plan.updateServices([id: new])
            rendered.update(update.rerender, plan: plan, renderer: renderer)

            let fresh = SitePlan(resources: Array(resources.values) + [Self.site], identity: identity)
            let expected = renderer.render(fresh, identity: identity, namespace: "default")!.json()
            let actual = renderer.renderText(plan, identity: identity, namespace: "default", services: rendered)
            #expect(actual == expected, "step \(step): rendered text differs")
            #expect(plan.certificates == fresh.certificates, "step \(step)")
            let after = Self.facts(fresh, resources)
            #expect(Self.facts(plan, resources) == after, "step \(step)")
            // Every resource whose facts changed was reported as affected.
            let beforeByID = Dictionary(uniqueKeysWithValues: before.map { (String($0.split(separator: " ")[0]), $0) })
            for line in after {
                let idText = String(line.split(separator: " ")[0])
                if beforeByID[idText] != line {
                    #expect(update.affected.contains { "\($0)" == idText }, "step \(step): \(idText) changed but was not reported")
                }
            }
            if step.isMultiple(of: 50) { try #require(actual == expected) }
        }
    }
}
