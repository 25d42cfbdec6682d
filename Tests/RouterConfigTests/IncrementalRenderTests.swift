import Foundation
import Resources
import RouterRendering
import TestSupport
import Testing

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

    static func multiKeyListener(_ name: String, port: Int, keys: [String], weighted: Bool, tls: String? = nil) -> Resource {
        let strategy: MultiKeyListenerSpec.Strategy =
            weighted
            ? .weighted(Dictionary(keys.enumerated().map { ($0.element, $0.offset + 1) }, uniquingKeysWith: { first, _ in first }))
            : .priority(keys.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } })
        return Resource(
            metadata: ObjectMeta(name: name),
            spec: .multiKeyListener(
                MultiKeyListenerSpec(
                    host: "0.0.0.0", port: port, strategy: strategy,
                    tlsCredentials: tls)))
    }

    /// Facts a status depends on, for every service: its problem, or whether the other side matches (for a
    /// multi-key listener, which of its keys have a connector).
    static func facts(_ plan: SitePlan, _ resources: [ResourceID: Resource]) -> [String] {
        resources.values.sorted { ($0.name, $0.kind) < ($1.name, $1.kind) }.map { resource in
            if let problem = plan.problem(for: resource.id) { return "\(resource.id) problem=\(problem)" }
            switch resource.spec {
            case .listener(let spec): return "\(resource.id) matching=\(plan.services.hasConnector(routingKey: spec.routingKey))"
            case .multiKeyListener(let spec): return "\(resource.id) reachable=\(spec.strategy.routingKeys.filter(plan.services.hasConnector))"
            case .connector(let spec): return "\(resource.id) matching=\(plan.services.hasListener(routingKey: spec.routingKey))"
            default: return "\(resource.id)"
            }
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
            let id = ResourceID([.listener, .connector, .multiKeyListener][Int(random.next() % 3)], name)
            let key = "k\(random.next() % 5)"
            let tls = random.next() % 4 == 0 ? "tls\(random.next() % 3)" : nil
            let port = 8000 + Int(random.next() % 6)
            let keys = (0...(random.next() % 3)).map { _ in "k\(random.next() % 5)" }
            let new: Resource?
            switch id.kind {
            case _ where random.next() % 4 == 0: new = nil
            case .listener: new = Self.listener(name, port: port, key: key, tls: tls)
            case .multiKeyListener: new = Self.multiKeyListener(name, port: port, keys: keys, weighted: random.next() % 2 == 0, tls: tls)
            default: new = Self.connector(name, key: key, tls: tls)
            }
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
            let beforeByID = Dictionary(before.map { (String($0.split(separator: " ")[0]), $0) }, uniquingKeysWith: { first, _ in first })
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
