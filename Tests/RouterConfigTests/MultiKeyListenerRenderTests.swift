import Foundation
import Resources
import RouterEntities
import RouterRendering
import Testing

/// A MultiKeyListener becomes what Skupper v2 writes for it: a tcpListener `multiAddress/<name>` with a
/// `multiAddressStrategy` and no address, and one listenerAddress `<name>/<key>` per routing key naming it.
@Suite("MultiKeyListener rendering")
struct MultiKeyListenerRenderTests {
    static let site = "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: west}\n"

    static func multiKeyListener(_ name: String, port: Int = 5432, host: String = "0.0.0.0", strategy: String, extra: String = "") -> String {
        """
        ---
        apiVersion: skupper.io/v2alpha1
        kind: MultiKeyListener
        metadata: {name: \(name)}
        spec:
          host: \(host)
          port: \(port)
        \(extra)  strategy:
        \(strategy)

        """
    }

    static let priority = "    priority:\n      routingKeys: [db-primary, db-secondary, db-backup]"
    static let weighted = "    weighted:\n      routingKeys: {web-b: 1, web-a: 3}"

    func render(_ text: String) throws -> (SitePlan, RouterConfig) {
        let resources = try ResourceLoader.parse(text, file: "in.yaml").resources
        let plan = SitePlan(resources: resources, identity: RouterConfigTests.identity)
        let renderer = RouterConfigRenderer(platform: "linux", sslProfileBasePath: "/B", version: "2.1.0")
        let config = try #require(renderer.render(plan, identity: RouterConfigTests.identity, namespace: "default"))
        return (plan, config)
    }

    @Test func priorityGivesTheFirstKeyTheHighestValue() throws {
        let (plan, config) = try render(Self.site + Self.multiKeyListener("db", strategy: Self.priority))
        #expect(plan.problem(for: ResourceID(.multiKeyListener, "db")) == nil)
        let listener = try #require(config.entity("tcpListener", named: "multiAddress/db"))
        #expect(listener.attributes.map(\.0) == ["name", "host", "port", "multiAddressStrategy"])
        #expect(listener["host"] == .string("0.0.0.0") && listener["port"] == .string("5432") && listener["multiAddressStrategy"] == .string("priority"))
        let addresses = config.entities(ofType: "listenerAddress")
        #expect(
            addresses == [
                .init(
                    "listenerAddress",
                    [("name", .string("db/db-primary")), ("address", .string("db-primary")), ("value", .int(2)), ("listener", .string("multiAddress/db"))]),
                .init(
                    "listenerAddress",
                    [("name", .string("db/db-secondary")), ("address", .string("db-secondary")), ("value", .int(1)), ("listener", .string("multiAddress/db"))]),
                .init(
                    "listenerAddress",
                    [("name", .string("db/db-backup")), ("address", .string("db-backup")), ("value", .int(0)), ("listener", .string("multiAddress/db"))]),
            ])
        // In the file: the tcpListeners, then their listenerAddresses, then the log and site entities.
        let groups = config.entities.map(\.type).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(groups.suffix(4) == ["tcpListener", "listenerAddress", "log", "site"])
        #expect(
            config.json().contains(
                """
                    [
                        "listenerAddress",
                        {
                            "name": "db/db-primary",
                            "address": "db-primary",
                            "value": 2,
                            "listener": "multiAddress/db"
                        }
                    ]
                """))
    }

    @Test func weightedGivesEachKeyItsWeight() throws {
        let (_, config) = try render(Self.site + Self.multiKeyListener("web", strategy: Self.weighted))
        #expect(config.entity("tcpListener", named: "multiAddress/web")?["multiAddressStrategy"] == .string("weighted"))
        #expect(
            config.entities(ofType: "listenerAddress").map { [$0.text("name"), $0.text("address"), $0.text("value"), $0.text("listener")] } == [
                ["web/web-a", "web-a", "3", "multiAddress/web"], ["web/web-b", "web-b", "1", "multiAddress/web"],
            ])
    }

    @Test func tlsCredentialsComeFromTheServiceCAAndClientCertificatesCanBeRequired() throws {
        let extra = "  tlsCredentials: db-tls\n  requireClientCert: true\n  observer: none\n"
        let (plan, config) = try render(Self.site + Self.multiKeyListener("db", host: "db.west", strategy: Self.priority, extra: extra))
        let listener = try #require(config.entity("tcpListener", named: "multiAddress/db"))
        #expect(listener.attributes.map(\.0) == ["name", "host", "port", "sslProfile", "observer", "multiAddressStrategy", "authenticatePeer"])
        #expect(listener["sslProfile"] == .string("db-tls") && listener["observer"] == .string("none") && listener["authenticatePeer"] == .bool(true))
        let profile = try #require(config.entity("sslProfile", named: "db-tls"))
        #expect(profile["certFile"] == .string("/B/runtime/certs/db-tls/tls.crt") && profile["caCertFile"] == .string("/B/runtime/certs/db-tls/ca.crt"))
        #expect(
            plan.certificates.contains(CertificateRequest(name: "db-tls", kind: .leaf, commonName: "db.west", hosts: ["db.west"], issuer: SitePlan.serviceCA)))
    }

    @Test func aPortAListenerHoldsIsRefusedLikeAListenerClash() throws {
        let listener = "---\napiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: zz-listener}\nspec: {host: 0.0.0.0, port: 5432, routingKey: k}\n"
        let text =
            Self.site + listener + Self.multiKeyListener("aa-multi", strategy: Self.priority)
            + Self.multiKeyListener("bb-multi", port: 7000, strategy: Self.weighted) + Self.multiKeyListener("cc-multi", port: 7000, strategy: Self.weighted)
        let (plan, config) = try render(text)
        // A Listener holds its host:port before any MultiKeyListener (v2 checks them first), whatever the names.
        #expect(plan.problem(for: ResourceID(.listener, "zz-listener")) == nil)
        #expect(plan.problem(for: ResourceID(.multiKeyListener, "aa-multi")) == "host and port 0.0.0.0:5432 are already used by Listener \"zz-listener\"")
        #expect(plan.problem(for: ResourceID(.multiKeyListener, "bb-multi")) == nil)
        #expect(plan.problem(for: ResourceID(.multiKeyListener, "cc-multi")) == "host and port 0.0.0.0:7000 are already used by MultiKeyListener \"bb-multi\"")
        #expect(config.entity("tcpListener", named: "multiAddress/aa-multi") == nil && config.entity("tcpListener", named: "multiAddress/cc-multi") == nil)
        #expect(!config.entities(ofType: "listenerAddress").contains { $0.text("listener") == "multiAddress/aa-multi" })
        #expect(config.entity("tcpListener", named: "listener/zz-listener") != nil && config.entity("tcpListener", named: "multiAddress/bb-multi") != nil)

        // The Listener goes: the first MultiKeyListener by name takes the port, and the connectors see its keys.
        var changed = plan
        let update = changed.updateServices([ResourceID(.listener, "zz-listener"): nil])
        #expect(changed.problem(for: ResourceID(.multiKeyListener, "aa-multi")) == nil)
        #expect(update.rerender.contains(ResourceID(.multiKeyListener, "aa-multi")))
        #expect(changed.services.hasListener(routingKey: "db-backup") && !changed.services.hasListener(routingKey: "k"))
    }

    @Test func aConnectorForOneKeyAffectsTheMultiKeyListenersThatNameIt() throws {
        let (plan, _) = try render(
            Self.site + Self.multiKeyListener("db", strategy: Self.priority) + Self.multiKeyListener("web", port: 80, strategy: Self.weighted))
        var changed = plan
        let connector = Resource(metadata: ObjectMeta(name: "backup"), spec: .connector(ConnectorSpec(routingKey: "db-backup", host: "h", port: 1)))
        let update = changed.updateServices([connector.id: connector])
        #expect(update.affected == [connector.id, ResourceID(.multiKeyListener, "db")])
        #expect(changed.services.hasConnector(routingKey: "db-backup"))
    }
}
