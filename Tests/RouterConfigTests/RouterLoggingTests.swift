import Foundation
import Resources
import RouterRendering
import Testing

/// A Site's `settings.router-logging` becomes one router `log` entity per module, as Skupper v2 renders it.
@Suite("Router logging")
struct RouterLoggingTests {
    static func site(logging: String?) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata: {name: west}
        spec:
          settings:
        \(logging.map { "    router-logging: \"\($0)\"" } ?? "    other: x")
        """
    }

    static func logEntities(_ logging: String?) throws -> [[String]] {
        let resources = try ResourceLoader.parse(site(logging: logging), file: "site.yaml").resources
        let plan = SitePlan(resources: resources, identity: RouterConfigTests.identity)
        let config = try #require(
            RouterConfigRenderer(platform: "linux", sslProfileBasePath: "/B", version: "2.1.0")
                .render(plan, identity: RouterConfigTests.identity, namespace: "default"))
        // The log entities come after the services and before the site entity, as v2 writes them.
        let logs = config.entities(ofType: "log").count
        #expect(Array(config.entities.map(\.type).suffix(logs + 1)) == Array(repeating: "log", count: logs) + ["site"])
        return config.entities(ofType: "log").map { entity in entity.attributes.map { $0.1.serialized().replacingOccurrences(of: "\"", with: "") } }
    }

    @Test func withoutTheSettingRouterCoreLogsErrors() throws {
        #expect(try Self.logEntities(nil) == [["ROUTER_CORE", "error+"]])
        #expect(try Self.logEntities("") == [["ROUTER_CORE", "error+"]])
    }

    @Test func aBareLevelIsEveryModulesDefault() throws {
        #expect(try Self.logEntities("debug") == [["DEFAULT", "debug+"]])
        #expect(try Self.logEntities("warning+") == [["DEFAULT", "warning+"]])
    }

    @Test func oneEntityPerModuleWithItsLevelAndAbove() throws {
        #expect(try Self.logEntities("ROUTER_CORE:debug,TCP_ADAPTOR:info") == [["ROUTER_CORE", "debug+"], ["TCP_ADAPTOR", "info+"]])
        // DEFAULT first; a module named twice takes its last level; spaces around items are allowed.
        #expect(
            try Self.logEntities("TCP_ADAPTOR:error, info ,TCP_ADAPTOR:critical+,FLOW_LOG:debug")
                == [["DEFAULT", "info+"], ["FLOW_LOG", "debug+"], ["TCP_ADAPTOR", "critical+"]])
    }

    @Test func levelsTheRouterDoesNotHaveBecomeTheirEquivalent() throws {
        // skupper-router 3.5.1 has no trace or notice level: it reads trace as debug, and would refuse notice+.
        #expect(try Self.logEntities("ROUTER_CORE:debug,TCP_ADAPTOR:trace") == [["ROUTER_CORE", "debug+"], ["TCP_ADAPTOR", "debug+"]])
        #expect(try Self.logEntities("notice") == [["DEFAULT", "warning+"]])
    }

    @Test func everyRenderedValueIsOneTheRoutersSchemaAccepts() throws {
        let levels = ["debug+", "info+", "warning+", "error+", "critical+"]
        for level in RouterLogging.levels.map(\.name) {
            for module in RouterLogging.modules {
                let entries = try RouterLogging(parsing: "\(module):\(level)").entries
                #expect(entries.count == 1 && entries[0].module == module && levels.contains(entries[0].enable), "\(module):\(level)")
            }
        }
    }
}
