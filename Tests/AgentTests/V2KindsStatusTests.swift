import Certificates
import Foundation
import Platforms
import Resources
import RouterEntities
import RouterManagement
import TestSupport
import Testing

@testable import Agent

/// The statuses of MultiKeyListener, Certificate and SecuredAccess: from the plan, the router's word and the
/// certificates on disk; and the three kinds applied by a running agent.
@Suite("MultiKeyListener, Certificate and SecuredAccess statuses")
struct V2KindsStatusTests {
    static let text = """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata: {name: west}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: MultiKeyListener
        metadata: {name: db}
        spec: {host: 0.0.0.0, port: 5432, strategy: {priority: {routingKeys: [db-primary, db-backup]}}}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: MultiKeyListener
        metadata: {name: web}
        spec: {host: 0.0.0.0, port: 8080, strategy: {weighted: {routingKeys: {web-a: 3, web-b: 1}}}}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata: {name: backup}
        spec: {host: db-backup.local, port: 5432, routingKey: db-backup}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Certificate
        metadata: {name: my-ca}
        spec: {subject: My CA, signing: true}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Certificate
        metadata: {name: orphan}
        spec: {ca: nowhere, subject: orphan}
        ---
        apiVersion: skupper.io/v2alpha1
        kind: SecuredAccess
        metadata: {name: console}
        spec: {selector: {app: console}, ports: [{name: https, port: 443}]}
        """

    static func statuses(
        router: RouterObservation? = nil, platform: PlatformState = PlatformState(.rendered, "rendered"),
        expirations: [CertificateRequest.Location: Date] = [:], problems: [String: String] = [:]
    ) throws -> [ResourceID: ResourceStatus] {
        let resources = try ResourceLoader.parse(text, file: "in.yaml").resources
        let plan = SitePlan(resources: resources, identity: SiteIdentity(siteId: "id", routerId: "west-1"))
        let builder = StatusBuilder(plan: plan, platform: platform, router: router, fileErrors: 0, credentialProblems: problems, expirations: expirations)
        return builder.statuses(for: resources, external: [:])
    }

    static func reachable(_ status: ResourceStatus?) -> [String] { status.map { MultiKeyListenerStatusView($0).routingKeysReachable } ?? [] }

    @Test func aMultiKeyListenerSaysWhichKeysHaveConnectors() throws {
        // No router to ask: this site's own connectors.
        let local = try Self.statuses()
        let db = try #require(local[ResourceID(.multiKeyListener, "db")])
        #expect(db.phase == .ready)
        #expect(db.field(StatusKey.hasDestination) == .bool(true))
        #expect(db.field(StatusKey.strategy) == .map([StatusField("priority", .map([StatusField("routingKeysReachable", .list([.string("db-backup")]))]))]))
        let web = try #require(local[ResourceID(.multiKeyListener, "web")])
        #expect(web.field(StatusKey.hasDestination) == .bool(false) && web.phase == .ready)
        #expect(web.field(StatusKey.strategy) == .map([StatusField("weighted", .map([StatusField("routingKeysReachable", .map([]))]))]))
        // The connector's routing key is one of a multi-key listener's: it has a matching listener.
        #expect(local[ResourceID(.connector, "backup")]?.field(StatusKey.hasMatchingListener) == .bool(true))

        // The router's word: connectors anywhere in the network, in priority order or with their weights.
        var observation = RouterObservation()
        observation.network = [
            NetworkSite(
                routerId: "west-1", siteId: "id", name: "west", mode: "interior", platform: "linux", version: "2",
                listenerAddresses: [], connectorAddresses: ["db-primary"]),
            NetworkSite(
                routerId: "east-1", siteId: "id2", name: "east", mode: "interior", platform: "linux", version: "2",
                listenerAddresses: [], connectorAddresses: ["db-backup", "web-b"]),
        ]
        let routed = try Self.statuses(router: observation, platform: PlatformState(.running, "running"))
        #expect(Self.reachable(routed[ResourceID(.multiKeyListener, "db")]) == ["db-primary", "db-backup"])
        let weighted = try #require(routed[ResourceID(.multiKeyListener, "web")])
        #expect(weighted.field(StatusKey.strategy)?["weighted"]?[StatusKey.routingKeysReachable] == .map([StatusField("web-b", .int(1))]))
        #expect(weighted.field(StatusKey.hasDestination) == .bool(true))

        // A router that does not answer: pending, as for a Listener.
        let unreachable = try Self.statuses(router: RouterObservation(unreachable: "connection refused"), platform: PlatformState(.running, "running"))
        #expect(unreachable[ResourceID(.multiKeyListener, "db")]?.phase == .pending)
    }

    @Test func aCertificateIsReadyWithItsExpirationOnceOnDisk() throws {
        let expiry = Date(timeIntervalSince1970: 1_900_000_000)
        let before = try Self.statuses()
        #expect(before[ResourceID(.certificate, "my-ca")]?.phase == .pending)
        let after = try Self.statuses(expirations: [CertificateRequest.Location(kind: .authority, name: "my-ca"): expiry])
        let ready = try #require(after[ResourceID(.certificate, "my-ca")])
        #expect(ready.phase == .ready && ready.field(StatusKey.expiration) == .string("2030-03-17T17:46:40Z"))
        let orphan = try #require(after[ResourceID(.certificate, "orphan")])
        #expect(orphan.phase == .error && orphan.message.contains("CA \"nowhere\" (spec.ca) not found"))
        let broken = try Self.statuses(
            expirations: [CertificateRequest.Location(kind: .authority, name: "my-ca"): expiry],
            problems: ["my-ca": "tls.key does not match tls.crt"])
        #expect(broken[ResourceID(.certificate, "my-ca")]?.phase == .error)
        #expect(broken[ResourceID(.certificate, "my-ca")]?.message.contains("tls.key does not match") == true)
    }

    @Test func aSecuredAccessSaysPlainlyItDoesNothingHere() throws {
        let status = try #require(try Self.statuses()[ResourceID(.securedAccess, "console")])
        #expect(status.phase == .pending && status.reason == StatusReason.notSupported)
        #expect(status.message.hasPrefix("SecuredAccess has no effect on a non-Kubernetes site"))
    }

    @Test func theAgentAppliesAllThreeKinds() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: west}\n")
        try site.write(
            "kinds.yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: MultiKeyListener
            metadata: {name: db}
            spec:
              host: 127.0.0.1
              port: 15432
              tlsCredentials: db-server
              strategy:
                priority:
                  routingKeys: [db-primary, db-backup]
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Certificate
            metadata: {name: my-ca}
            spec: {subject: My CA, signing: true}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Certificate
            metadata: {name: db-server}
            spec: {ca: my-ca, subject: 127.0.0.1, hosts: [127.0.0.1], server: true}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: SecuredAccess
            metadata: {name: console}
            spec: {selector: {app: console}, ports: [{name: https, port: 443}]}
            """)
        try site.write("backup.yaml", ResourceYAML.connector("backup", port: 5432, routingKey: "db-backup"))
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(
            site.eventually {
                site.status(.securedAccess, "console") != nil && site.status(.certificate, "db-server")?.status.phase == .ready
                    && site.status(.multiKeyListener, "db")?.status.phase == .ready
            }, "\(agent.log)")

        let config = try #require(site.routerConfig.flatMap(RouterConfig.parse))
        let listener = try #require(config.entity("tcpListener", named: "multiAddress/db"))
        #expect(listener["multiAddressStrategy"] == .string("priority") && listener["sslProfile"] == .string("db-server") && listener["address"] == nil)
        #expect(config.entities(ofType: "listenerAddress").map { "\($0.text("name")!)=\($0.text("value")!)" } == ["db/db-primary=1", "db/db-backup=0"])
        #expect(config.entity("sslProfile", named: "db-server") != nil)

        let mkl = try #require(site.status(.multiKeyListener, "db")?.status)
        #expect(mkl.phase == .ready && MultiKeyListenerStatusView(mkl).hasDestination && MultiKeyListenerStatusView(mkl).routingKeysReachable == ["db-backup"])
        let certificate = try #require(site.status(.certificate, "db-server")?.status)
        #expect(certificate.field(StatusKey.expiration)?.text?.hasSuffix("Z") == true)
        let ca = try CertificateAuthority(
            certificatePEM: String(contentsOf: site.layout.issuers.appendingPathComponent("my-ca/tls.crt"), encoding: .utf8),
            privateKeyPEM: String(contentsOf: site.layout.issuers.appendingPathComponent("my-ca/tls.key"), encoding: .utf8))
        #expect(ca.signed(certificatePEM: try String(contentsOf: site.layout.certificate("db-server").appendingPathComponent("tls.crt"), encoding: .utf8)))
        #expect(site.status(.securedAccess, "console")?.status.reason == StatusReason.notSupported)
        // Nothing was skipped as an unknown kind.
        let errors = try? String(contentsOf: site.layout.status.appendingPathComponent("input-errors.yaml"), encoding: .utf8)
        #expect(errors?.contains("unknown kind") != true, "\(errors ?? "")")
        #expect(site.status(.site, "west")?.status.message == "OK (render-only platform: no router runs)")

        // Removed, their router entities go.
        try site.remove("kinds.yaml")
        #expect(site.eventually { site.routerConfig?.contains("listenerAddress") == false }, "\(agent.log)")
        #expect(site.eventually { site.status(.multiKeyListener, "db") == nil && site.status(.securedAccess, "console") == nil })
    }
}
