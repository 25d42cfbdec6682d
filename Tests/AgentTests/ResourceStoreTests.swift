import Agent
import Resources
import Testing

/// The store keeps one table of resources with their files: what it answers by kind, by count and by owner must
/// follow every apply, services (found by a walk) and site-wide kinds (found by their index) alike.
@Suite("Resource store")
struct ResourceStoreTests {
    private func listener(_ name: String, port: Int) -> Resource {
        Resource(metadata: ObjectMeta(name: name), spec: .listener(ListenerSpec(routingKey: name, host: "0.0.0.0", port: port)))
    }

    private func connector(_ name: String) -> Resource {
        Resource(metadata: ObjectMeta(name: name), spec: .connector(ConnectorSpec(routingKey: name, host: "10.0.0.1", port: 80)))
    }

    private func site(_ name: String) -> Resource { Resource(metadata: ObjectMeta(name: name), spec: .site(SiteSpec())) }

    private func names(_ resources: [Resource]) -> [String] { resources.map(\.name).sorted() }

    @Test func kindsCountsAndOwnersFollowEveryApply() {
        var store = ResourceStore()
        store.apply(file: "a.yaml", .success(.init(resources: [site("s"), listener("l1", port: 1), connector("c1")])))
        store.apply(file: "b.yaml", .success(.init(resources: [listener("l2", port: 2), connector("c2")])))
        #expect(names(store.resources(of: .listener)) == ["l1", "l2"])
        #expect(names(store.resources(of: .site)) == ["s"])
        #expect(names(store.resources(of: [.site, .connector])) == ["c1", "c2", "s"])
        #expect(store.count(of: .listener) == 2 && store.count(of: .connector) == 2 && store.count(of: .site) == 1)
        #expect(store.owner(of: ResourceID(.listener, "l2")) == "b.yaml")
        #expect(store.resources.count == 5)

        // A name defined twice: the second file is rejected and owns nothing.
        store.apply(file: "c.yaml", .success(.init(resources: [listener("l1", port: 9)])))
        #expect(store.owner(of: ResourceID(.listener, "l1")) == "a.yaml")
        #expect(store.files["c.yaml"]?.error != nil)

        // Removing a file removes its resources from every answer, and lets the rejected file in.
        let change = store.apply(file: "a.yaml", nil)
        #expect(change.removed.contains(ResourceID(.site, "s")))
        #expect(names(store.resources(of: .listener)) == ["l1", "l2"])
        #expect(store.owner(of: ResourceID(.listener, "l1")) == "c.yaml")
        #expect(store.resources[ResourceID(.listener, "l1")]?.listener?.port == 9)
        #expect(store.resources(of: .site).isEmpty && store.count(of: .site) == 0)
        #expect(store.count(of: .connector) == 1 && store.count(of: .listener) == 2)
        #expect(store.owner(of: ResourceID(.connector, "c1")) == nil)

        // A file that drops one of its resources.
        store.apply(file: "b.yaml", .success(.init(resources: [connector("c2")])))
        #expect(names(store.resources(of: .listener)) == ["l1"])
        #expect(store.count(of: .listener) == 1)
        #expect(Set(store.resources.values.map(\.name)) == ["l1", "c2"])
    }
}
