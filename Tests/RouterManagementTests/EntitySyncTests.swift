import RouterEntities
import Testing

@testable import RouterManagement

/// What needs a router restart and what management changes live; reading a written configuration back.
@Suite("Live changes: what restarts the router")
struct EntitySyncTests {
    static func config(mode: String = "interior", log: String = "error+", listeners: [String] = ["backend"]) -> RouterConfig {
        RouterConfig(
            entities: [
                .init("router", [("id", .string("east-1-2")), ("mode", .string(mode))]),
                .init("sslProfile", [("name", .string("skupper-local-server")), ("caCertFile", .string("/x/ca.crt"))]),
                .init("listener", [("name", .string("skupper-local-normal")), ("port", .int(5671)), ("authenticatePeer", .bool(true))]),
            ] + listeners.map { .init("tcpListener", [("name", .string("listener/\($0)")), ("port", .string("8080")), ("address", .string($0))]) } + [
                .init("log", [("module", .string("ROUTER_CORE")), ("enable", .string(log))])
            ])
    }

    @Test func servicesLinksProfilesAndLoggingChangeLiveTheRouterModeDoesNot() {
        let base = Self.config()
        #expect(!EntitySync.needsRestart(from: base, to: Self.config(listeners: ["backend", "other"])))
        #expect(!EntitySync.needsRestart(from: base, to: Self.config(listeners: [])))
        #expect(EntitySync.restartReasons(from: base, to: Self.config(mode: "edge")) == ["the router's mode changed"])
        #expect(!EntitySync.needsRestart(from: base, to: Self.config(log: "debug+")))
        #expect(EntitySync.restartReasons(from: nil, to: base) == ["the router has no configuration loaded"])
    }

    /// Every entity type skupper-local renders, each attribute changed in turn: only the router entity, the site,
    /// addresses and proxy profiles need a restart; everything else changes through management.
    static let full = RouterConfig(
        entities: [
            .init(
                "router",
                [("id", .string("east-1-2")), ("mode", .string("interior")), ("helloMaxAgeSeconds", .string("3")), ("metadata", .string("{\"id\":\"a\"}"))]),
            .init(
                "sslProfile",
                [
                    ("name", .string("skupper-site-server")), ("certFile", .string("/c/tls.crt")), ("privateKeyFile", .string("/c/tls.key")),
                    ("caCertFile", .string("/c/ca.crt")), ("ordinal", .int(1)), ("oldestValidOrdinal", .int(0)),
                ]),
            .init("proxyProfile", [("name", .string("proxy")), ("host", .string("squid")), ("port", .string("3128"))]),
            .init("connector", [("name", .string("link1")), ("role", .string("inter-router")), ("host", .string("west")), ("port", .string("55671"))]),
            .init("listener", [("name", .string("skupper-site-inter-router")), ("role", .string("inter-router")), ("port", .int(55671))]),
            .init("tcpListener", [("name", .string("listener/db")), ("port", .string("5432")), ("address", .string("db"))]),
            .init("tcpConnector", [("name", .string("connector/db")), ("host", .string("127.0.0.1")), ("port", .string("5432")), ("address", .string("db"))]),
            .init("listenerAddress", [("name", .string("multi/a")), ("listener", .string("listener/multi")), ("address", .string("a"))]),
            .init("address", [("prefix", .string("mc")), ("distribution", .string("multicast"))]),
            .init("log", [("module", .string("ROUTER_CORE")), ("enable", .string("error+"))]),
            .init("site", [("name", .string("east-1-2")), ("platform", .string("linux")), ("namespace", .string("default")), ("version", .string("2.1.0"))]),
        ])

    @Test(arguments: [
        ("router", "id", true), ("router", "mode", true), ("router", "helloMaxAgeSeconds", true), ("router", "metadata", true),
        ("sslProfile", "certFile", false), ("sslProfile", "privateKeyFile", false), ("sslProfile", "caCertFile", false),
        ("sslProfile", "ordinal", false), ("sslProfile", "oldestValidOrdinal", false),
        ("proxyProfile", "host", true), ("proxyProfile", "port", true),
        ("connector", "host", false), ("connector", "port", false), ("listener", "port", false),
        ("tcpListener", "port", false), ("tcpListener", "address", false), ("tcpConnector", "host", false), ("tcpConnector", "address", false),
        ("listenerAddress", "address", false), ("address", "distribution", true), ("log", "enable", false),
        ("site", "namespace", true), ("site", "version", true),
    ])
    func eachAttributeOfEachEntityRestartsOrChangesLive(type: String, attribute: String, restarts: Bool) throws {
        let changed = RouterConfig(
            entities: Self.full.entities.map { entity in
                guard entity.type == type else { return entity }
                var copy = entity
                let index = try! #require(copy.attributes.firstIndex { $0.0 == attribute })
                copy.attributes[index].1 = copy.attributes[index].1 == .int(1) ? .int(2) : .string("changed")
                return copy
            })
        let reasons = EntitySync.restartReasons(from: Self.full, to: changed)
        #expect(reasons.isEmpty == !restarts, "\(type).\(attribute): \(reasons)")
        if restarts { #expect(reasons.allSatisfy { !$0.isEmpty }) }
    }

    @Test func anSslProfileIsUpdatedInPlaceUnlessItLosesAFile() throws {
        let profile = Self.full.entities[1]
        var running: [String: AMQPValue] = [:]
        for (key, _) in profile.attributes { running[key] = .string(profile.text(key)!) }
        running["ordinal"] = .int(1)
        var rotated = profile
        rotated.attributes[4].1 = .int(2)
        rotated.attributes[5].1 = .int(1)
        let update = try #require(EntitySync.update(rotated, from: running))
        #expect(update.operation == "UPDATE" && update.name == "skupper-site-server")
        #expect(update.body == .map([.string("ordinal"): .int(2), .string("oldestValidOrdinal"): .int(1)]))
        // A profile without client credentials any more cannot lose its certFile through an UPDATE.
        let serverOnly = RouterConfig.Entity("sslProfile", [("name", .string("skupper-site-server")), ("caCertFile", .string("/c/ca.crt"))])
        #expect(EntitySync.update(serverOnly, from: running) == nil)
        // A tcpListener is never updated: deleted and created again.
        #expect(EntitySync.update(Self.full.entities[5], from: [:]) == nil)
    }

    @Test func pathsAreRebasedToWhereTheRunningRouterSeesThem() {
        let config = RouterConfig(entities: [
            .init("sslProfile", [("name", .string("p")), ("caCertFile", .string("${SSL_PROFILE_BASE_PATH}/runtime/certs/p/ca.crt")), ("ordinal", .int(2))]),
            .init("tcpListener", [("name", .string("l")), ("host", .string("${SSL_PROFILE_BASE_PATH}x"))]),
        ])
        let rebased = config.rebasingPaths(from: "${SSL_PROFILE_BASE_PATH}", to: "/etc/skupper-router")
        #expect(rebased.entities[0].text("caCertFile") == "/etc/skupper-router/runtime/certs/p/ca.crt")
        #expect(rebased.entities[0].text("ordinal") == "2")
        #expect(rebased.entities[1].text("host") == "${SSL_PROFILE_BASE_PATH}x", "only paths under the base")
        #expect(config.rebasingPaths(from: "/a", to: "/a") == config)
    }

    @Test func aLogModuleNoLongerConfiguredGoesBackToItsDefault() {
        #expect(
            EntitySync.reset(type: "log", ["module": .string("ROUTER_CORE"), "enable": .string("debug+")]) == [
                "module": .string("ROUTER_CORE"), "enable": .string("default"),
            ])
        #expect(
            EntitySync.reset(type: "log", ["module": .string("DEFAULT"), "enable": .string("debug+")]) == [
                "module": .string("DEFAULT"), "enable": .string("info+"),
            ])
        #expect(EntitySync.reset(type: "log", ["module": .string("DEFAULT"), "enable": .string("info+")]) == nil)
        #expect(EntitySync.reset(type: "log", ["module": .string("TCP_ADAPTOR"), "enable": .string("default")]) == nil)
        #expect(EntitySync.name(of: Self.full.entities[9]) == "log/ROUTER_CORE")
    }

    @Test func aWrittenConfigurationReadsBackTheSameWhateverTheAttributeOrder() throws {
        let written = Self.config(listeners: ["a", "b"])
        let read = try #require(RouterConfig.parse(written.json()))
        #expect(read.canonical == written.canonical)
        #expect(!EntitySync.needsRestart(from: read, to: written))
        #expect(RouterConfig.parse("not json") == nil)
        #expect(RouterConfig.parse("[[\"router\"]]") == nil)
    }

    @Test func aRouterIdNamesItsSite() {
        #expect(NetworkSite.siteName(fromRouterId: "east-1795464711-113146543") == "east")
        #expect(NetworkSite.siteName(fromRouterId: "my-site-2-3") == "my-site")
        #expect(NetworkSite.siteName(fromRouterId: "edge-abc") == "edge-abc")
        #expect(NetworkSite.siteName(fromRouterId: "42") == "42")
    }

    @Test func aQueryAnswerBecomesOneMapPerEntity() {
        let answer = ManagementResponse(
            statusCode: 200, statusDescription: "OK",
            body: .map([
                "attributeNames": .list(["name", "operStatus"]),
                "results": .list([.list(["listener/a", "up"]), .list(["listener/b", "down"])]),
            ]))
        #expect(answer.entities.count == 2)
        #expect(answer.entities[1]["operStatus"]?.text == "down")
    }
}
