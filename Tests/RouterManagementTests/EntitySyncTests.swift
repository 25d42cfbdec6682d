import RouterEntities
import RouterManagement
import Testing

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

    @Test func servicesLinksAndProfilesChangeLiveTheRouterModeAndLoggingDoNot() {
        let base = Self.config()
        #expect(!EntitySync.needsRestart(from: base, to: Self.config(listeners: ["backend", "other"])))
        #expect(!EntitySync.needsRestart(from: base, to: Self.config(listeners: [])))
        #expect(EntitySync.needsRestart(from: base, to: Self.config(mode: "edge")))
        #expect(EntitySync.needsRestart(from: base, to: Self.config(log: "debug+")))
        #expect(EntitySync.needsRestart(from: nil, to: base))
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
