import Foundation
import Resources
import RouterEntities
import RouterRendering
import TestSupport
import Testing

@Suite("Router configuration")
struct RouterConfigTests {
    static let identity = SiteIdentity(
        siteId: "6a0e5b32-0000-4000-8000-000000000001", routerId: "west-1753276800-123456789",
        localPort: 5671, interRouterPort: 55671, edgePort: 45671, hosts: ["west.example.com", "10.0.0.5"])

    static let inputs = """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata: {name: west}
        spec: {linkAccess: default}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata: {name: backend}
        spec: {host: 0.0.0.0, port: 8080, routingKey: backend}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata: {name: db}
        spec: {host: localhost, port: 5432, routingKey: db}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Link
        metadata: {name: link-east}
        spec:
          tlsCredentials: link-east
          cost: 2
          endpoints:
          - {name: inter-router, host: east.example.com, port: "55671"}
          - {name: edge, host: east.example.com, port: "45671"}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: link-east}
        data: \(TestPEM.dataFlow)
        ---
        apiVersion: skupper.io/v2alpha1
        kind: RouterAccess
        metadata: {name: public}
        spec:
          roles: [{name: inter-router, port: 56000}]
          tlsCredentials: public-server
          bindHost: 192.0.2.1
        """

    func render(_ text: String = inputs, platform: String = "linux", base: String = "/B") throws -> (SitePlan, RouterConfig) {
        let resources = try ResourceLoader.parse(text, file: "in.yaml").resources
        let plan = SitePlan(resources: resources, identity: Self.identity)
        let config = try #require(
            RouterConfigRenderer(platform: platform, sslProfileBasePath: base, version: "2.1.0").render(plan, identity: Self.identity, namespace: "default"))
        return (plan, config)
    }

    @Test func siteWithListenerConnectorLinkAndRouterAccess() throws {
        let (plan, config) = try render()
        #expect(try ResourceLoader.parse(Self.inputs, file: "in.yaml").resources.allSatisfy { plan.problem(for: $0.id) == nil })
        // Group order as Skupper v2 writes it.
        let order = config.entities.map(\.type)
        let groups = order.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(groups == ["router", "sslProfile", "connector", "listener", "address", "tcpConnector", "tcpListener", "log", "site"])

        let router = try #require(config.entities.first)
        #expect(router.text("id") == "west-1753276800-123456789")
        #expect(router.text("mode") == "interior")
        #expect(router["helloMaxAgeSeconds"] == .string("3"))
        #expect(router.text("metadata") == #"{"id":"6a0e5b32-0000-4000-8000-000000000001","version":"2.1.0","platform":"linux"}"#)

        let link = try #require(config.entity("connector", named: "link-east"))
        #expect(link.attributes.map(\.0) == ["name", "role", "host", "port", "cost", "sslProfile"])
        #expect(link["role"] == .string("inter-router") && link["host"] == .string("east.example.com"))
        #expect(link["port"] == .string("55671") && link["cost"] == .int(2) && link["sslProfile"] == .string("link-east-profile"))

        let profile = try #require(config.entity("sslProfile", named: "link-east-profile"))
        #expect(profile["certFile"] == .string("/B/runtime/certs/link-east-profile/tls.crt"))
        #expect(profile["privateKeyFile"] == .string("/B/runtime/certs/link-east-profile/tls.key"))
        #expect(profile["caCertFile"] == .string("/B/runtime/certs/link-east-profile/ca.crt"))

        let local = try #require(config.entity("listener", named: "skupper-local-normal"))
        #expect(local["role"] == .string("normal") && local["host"] == .string("127.0.0.1") && local["port"] == .int(5671))
        #expect(local["sslProfile"] == .string("skupper-local-server") && local["saslMechanisms"] == .string("EXTERNAL"))
        #expect(local["authenticatePeer"] == .bool(true))

        let interRouter = try #require(config.entity("listener", named: "west-inter-router"))
        #expect(interRouter["role"] == .string("inter-router") && interRouter["port"] == .int(55671) && interRouter["host"] == nil)
        #expect(interRouter["sslProfile"] == .string("west"))
        let edge = try #require(config.entity("listener", named: "west-edge"))
        #expect(edge["role"] == .string("edge") && edge["port"] == .int(45671))
        let user = try #require(config.entity("listener", named: "public-inter-router"))
        #expect(user["host"] == .string("192.0.2.1") && user["port"] == .int(56000) && user["sslProfile"] == .string("public-server"))
        #expect(config.entity("sslProfile", named: "public-server") != nil)

        let tcpListener = try #require(config.entity("tcpListener", named: "listener/backend"))
        #expect(tcpListener.attributes.map(\.0) == ["name", "host", "port", "address"])
        #expect(tcpListener["host"] == .string("0.0.0.0") && tcpListener["port"] == .string("8080") && tcpListener["address"] == .string("backend"))
        let tcpConnector = try #require(config.entity("tcpConnector", named: "connector/db@localhost"))
        #expect(tcpConnector["host"] == .string("localhost") && tcpConnector["port"] == .string("5432") && tcpConnector["address"] == .string("db"))

        #expect(config.entities(ofType: "address").first?.attributes.map(\.1) == [.string("mc"), .string("multicast")])
        let log = try #require(config.entities(ofType: "log").first)
        #expect(log["module"] == .string("ROUTER_CORE") && log["enable"] == .string("error+"))
        let site = try #require(config.entities(ofType: "site").first)
        #expect(site.attributes.map(\.0) == ["name", "platform", "namespace", "version"])
        #expect(site["name"] == .string("west-1753276800-123456789") && site["namespace"] == .string("default"))
    }

    @Test func aRouterAccessWithoutCredentialsOrPortsTakesSkupperV2Defaults() throws {
        let (plan, config) = try render(
            """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata: {name: west}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: RouterAccess
            metadata: {name: public}
            spec:
              roles: [{name: inter-router}, {name: edge}]
            """)
        // The certificate is named after the RouterAccess (two RouterAccesses never share one), ports are v2's.
        let interRouter = try #require(config.entity("listener", named: "public-inter-router"))
        #expect(interRouter["port"] == .int(55671) && interRouter["sslProfile"] == .string("public"))
        #expect(config.entity("listener", named: "public-edge")?["port"] == .int(45671))
        #expect(config.entity("sslProfile", named: "public") != nil)
        #expect(plan.certificates.contains { $0.name == "public" } && plan.certificates.contains { $0.name == "client-public" })
    }

    @Test func jsonIsAListOfTypeAttributePairs() throws {
        let (_, config) = try render()
        let json = config.json()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Any]])
        #expect(parsed.count == config.entities.count)
        #expect(parsed.allSatisfy { $0.count == 2 && $0[0] is String && $0[1] is [String: Any] })
        #expect(json.contains("\n    [\n        \"router\",\n"))
        // Rendering is deterministic.
        #expect(try render().1.json() == json)
    }

    @Test func edgeSiteUsesTheEdgeEndpoint() throws {
        let text = Self.inputs.replacingOccurrences(of: "spec: {linkAccess: default}", with: "spec: {edge: true}")
        let (_, config) = try render(text)
        #expect(config.entities.first?.text("mode") == "edge")
        let link = try #require(config.entity("connector", named: "link-east"))
        #expect(link["role"] == .string("edge") && link["port"] == .string("45671"))
        #expect(config.entity("listener", named: "west-inter-router") == nil)
    }

    @Test func containerPlatformsUseTheProfileBasePathVariable() throws {
        let (_, config) = try render(platform: "docker", base: RouterConfigRenderer.containerBasePath)
        let profile = try #require(config.entity("sslProfile", named: "link-east-profile"))
        #expect(profile["caCertFile"] == .string("${SSL_PROFILE_BASE_PATH}/runtime/certs/link-east-profile/ca.crt"))
        #expect(config.entities.first?.text("metadata")?.contains(#""platform":"docker""#) == true)
    }

    @Test func linkWithoutItsSecretIsLeftOutWithAProblem() throws {
        let text = Self.inputs.replacingOccurrences(of: "metadata: {name: link-east}\ndata", with: "metadata: {name: other}\ndata")
        let (plan, config) = try render(text)
        #expect(plan.problem(for: ResourceID(.link, "link-east"))?.contains("Secret \"link-east\"") == true)
        #expect(config.entity("connector", named: "link-east") == nil)
    }

    @Test func tlsListenersAndConnectors() throws {
        let text = Self.inputs
            .replacingOccurrences(
                of: "spec: {host: 0.0.0.0, port: 8080, routingKey: backend}",
                with: "spec: {host: 0.0.0.0, port: 8080, routingKey: backend, tlsCredentials: backend-tls}"
            )
            .replacingOccurrences(
                of: "spec: {host: localhost, port: 5432, routingKey: db}", with: "spec: {host: localhost, port: 5432, routingKey: db, tlsCredentials: db-tls}")
        let (plan, config) = try render(text)
        #expect(config.entity("tcpListener", named: "listener/backend")?["sslProfile"] == .string("backend-tls"))
        let connector = try #require(config.entity("tcpConnector", named: "connector/db@localhost"))
        #expect(connector["sslProfile"] == .string("db-tls-profile") && connector["verifyHostname"] == .bool(false))
        let caOnly = try #require(config.entity("sslProfile", named: "db-tls-profile"))
        #expect(caOnly.attributes.map(\.0) == ["name", "caCertFile"])
        #expect(plan.certificates.contains { $0.name == "backend-tls" && $0.issuer == SitePlan.serviceCA && $0.hosts == ["0.0.0.0"] })
    }

    @Test func noSiteNoConfigAndEveryResourcePending() throws {
        let resources = try ResourceLoader.parse(
            """
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata: {name: backend}
            spec: {host: 0.0.0.0, port: 8080, routingKey: backend}
            """, file: "l.yaml"
        ).resources
        let plan = SitePlan(resources: resources, identity: Self.identity)
        #expect(
            RouterConfigRenderer(platform: "linux", sslProfileBasePath: "/B", version: "1").render(plan, identity: Self.identity, namespace: "default") == nil)
        #expect(plan.problem(for: ResourceID(.listener, "backend")) == "no Site is defined in this namespace")
    }

    @Test func clashingListenersAndSecondSite() throws {
        let text =
            Self.inputs + """

                ---
                apiVersion: skupper.io/v2alpha1
                kind: Listener
                metadata: {name: backend2}
                spec: {host: 0.0.0.0, port: 8080, routingKey: other}
                ---
                apiVersion: skupper.io/v2alpha1
                kind: Site
                metadata: {name: zulu}
                """
        let (plan, config) = try render(text)
        #expect(plan.problem(for: ResourceID(.listener, "backend2"))?.contains("already used by Listener \"backend\"") == true)
        #expect(plan.problem(for: ResourceID(.site, "zulu"))?.contains("only one Site") == true)
        #expect(config.entity("tcpListener", named: "listener/backend2") == nil)
    }
}
