import Foundation
import Resources
import TestSupport
import Testing

@Suite("The watched resource directory")
struct DirectoryWatchTests {
    @Test func createModifyRenameDelete() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(site.eventually { site.status(.site, "west")?.status.phase == .ready }, "log:\n\(agent.log)")

        // Create.
        try site.write("backend.yaml", ResourceYAML.listener("backend", port: 8080))
        #expect(site.eventually { site.routerConfig?.contains("\"listener/backend\"") == true })
        #expect(site.eventually { site.status(.listener, "backend")?.status.phase == .ready })
        #expect(site.status(.listener, "backend")?.status.field("hasMatchingConnector") == .bool(false))

        // Modify in place.
        try site.write("backend.yaml", ResourceYAML.listener("backend", port: 9090))
        #expect(site.eventually { site.routerConfig?.contains("\"port\": \"9090\"") == true })

        // An editor's atomic save (write a temporary file, rename it over the original).
        try site.saveAtomically("backend.yaml", ResourceYAML.listener("backend", port: 9191))
        #expect(site.eventually { site.routerConfig?.contains("\"port\": \"9191\"") == true })

        // A connector with the same routing key flips hasMatchingConnector.
        try site.saveAtomically("db.yaml", ResourceYAML.connector("db", port: 5432, routingKey: "backend"))
        #expect(site.eventually { site.status(.listener, "backend")?.status.field("hasMatchingConnector") == .bool(true) })
        // Status files are replaced one by one: the connector's may land just after the listener's.
        #expect(site.eventually { site.status(.connector, "db")?.status.field("hasMatchingListener") == .bool(true) })

        // Move a file out of the directory: its resources go.
        try FileManager.default.moveItem(
            at: site.layout.inputResources.appendingPathComponent("db.yaml"),
            to: site.layout.root.appendingPathComponent("db.yaml"))
        #expect(site.eventually { site.status(.connector, "db") == nil && site.routerConfig?.contains("connector/db@") == false })

        // Delete.
        try site.remove("backend.yaml")
        #expect(site.eventually { site.status(.listener, "backend") == nil })
        #expect(site.routerConfig?.contains("listener/backend") == false)

        // Delete the site: everything left waits for a site, the router config goes.
        try site.write("later.yaml", ResourceYAML.listener("later", port: 7070))
        try site.remove("site.yaml")
        #expect(site.eventually { site.routerConfig == nil })
        #expect(site.eventually { site.status(.listener, "later")?.status.phase == .pending })
        #expect(site.status(.listener, "later")?.status.message == "no Site is defined in this namespace")
    }

    @Test func brokenFileKeepsItsLastGoodStateAndNamesTheProblem() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        try site.write("backend.yaml", ResourceYAML.listener("backend", port: 8080))
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(site.eventually { site.status(.listener, "backend")?.status.phase == .ready }, "log:\n\(agent.log)")
        let goodConfig = try #require(site.routerConfig)

        // A typo: the port is not a number.
        try site.saveAtomically("backend.yaml", ResourceYAML.listener("backend", port: 8080).replacingOccurrences(of: "port: 8080", with: "port: 80x80"))
        let errors = site.layout.status.appendingPathComponent("input-errors.yaml")
        #expect(site.eventually { FileManager.default.fileExists(atPath: errors.path) }, "log:\n\(agent.log)")
        let report = try String(contentsOf: errors, encoding: .utf8)
        #expect(report.contains("file: \"backend.yaml\""))
        #expect(report.contains("line: 7"))
        #expect(report.contains("field: \"spec.port\""))
        #expect(agent.log.contains("input/resources/backend.yaml: document 1, line 7: spec.port: expected an integer"))
        // Nothing already running is torn down by a typo.
        #expect(site.routerConfig == goodConfig)
        #expect(site.status(.listener, "backend")?.status.phase == .ready)
        #expect(site.eventually { site.status(.site, "west")?.status.message.contains("1 input file rejected") == true })

        // Broken YAML, an unknown kind, garbage: all reported, none crash the agent.
        try site.write("broken.yaml", "kind: Listener\nmetadata: [\n")
        try site.write("gadget.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Gadget\nmetadata: {name: g}\n")
        try Data((0..<512).map { UInt8(truncatingIfNeeded: $0 * 31) }).write(to: site.layout.inputResources.appendingPathComponent("garbage.yaml"))
        #expect(
            site.eventually {
                let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                return text.contains("broken.yaml") && text.contains("garbage.yaml") && text.contains("unknown kind \\\"Gadget\\\"")
            }, "\((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        #expect(agent.process.isRunning)
        #expect(site.routerConfig == goodConfig)

        // Fixing the file applies it and clears the error.
        try site.saveAtomically("backend.yaml", ResourceYAML.listener("backend", port: 8181))
        try site.remove("broken.yaml")
        try site.remove("garbage.yaml")
        try site.remove("gadget.yaml")
        #expect(site.eventually { site.routerConfig?.contains("\"port\": \"8181\"") == true })
        #expect(site.eventually { !FileManager.default.fileExists(atPath: errors.path) })
        #expect(site.eventually { site.status(.site, "west")?.status.message == "OK (render-only platform: no router runs)" })
    }

    @Test func sameNameInTwoFilesIsRejectedUntilTheFirstGoes() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        try site.write("a.yaml", ResourceYAML.listener("backend", port: 8080))
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(site.eventually { site.status(.listener, "backend") != nil }, "log:\n\(agent.log)")
        try site.write("b.yaml", ResourceYAML.listener("backend", port: 9999))
        #expect(site.eventually { agent.log.contains("is already defined in a.yaml") })
        #expect(site.routerConfig?.contains("9999") == false)
        try site.remove("a.yaml")
        #expect(site.eventually { site.routerConfig?.contains("\"port\": \"9999\"") == true })
    }

    @Test func oneChangeRewritesOnlyWhatChanged() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        for index in 0..<200 {
            try site.write("l\(index).yaml", ResourceYAML.listener("l\(index)", port: 10000 + index, routingKey: "k\(index)"))
        }
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(site.eventually(timeout: 30) { (0..<200).allSatisfy { site.status(.listener, "l\($0)") != nil } }, "log:\n\(agent.log)")
        let untouched = site.layout.statusFile(ResourceID(.listener, "l5"))
        let before = try FileManager.default.attributesOfItem(atPath: untouched.path)[.modificationDate] as? Date
        usleep(50_000)
        try site.write("new.yaml", ResourceYAML.listener("new", port: 20000))
        #expect(site.eventually { site.status(.listener, "new") != nil })
        let after = try FileManager.default.attributesOfItem(atPath: untouched.path)[.modificationDate] as? Date
        #expect(before == after, "an unrelated status file was rewritten")
    }

    @Test func restartKeepsIdentityCertificatesAndConfig() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        try site.write("backend.yaml", ResourceYAML.listener("backend", port: 8080))
        var agent = try AgentProcess(site: site)
        #expect(site.eventually { site.status(.listener, "backend") != nil }, "log:\n\(agent.log)")
        let config = try #require(site.routerConfig)
        let serverCert = try String(contentsOf: site.layout.certificate("west").appendingPathComponent("tls.crt"), encoding: .utf8)
        let statusText = try String(contentsOf: site.layout.statusFile(ResourceID(.listener, "backend")), encoding: .utf8)
        #expect(agent.stop() == 0)

        agent = try AgentProcess(site: site)
        defer { agent.stop() }
        #expect(site.eventually { agent.log.contains("ready") }, "log:\n\(agent.log)")
        #expect(site.routerConfig == config)
        #expect(try String(contentsOf: site.layout.certificate("west").appendingPathComponent("tls.crt"), encoding: .utf8) == serverCert)
        #expect(try String(contentsOf: site.layout.statusFile(ResourceID(.listener, "backend")), encoding: .utf8) == statusText)
        // No temporary files are left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.layout.status.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}

/// Statuses that depend on other resources (routing-key matches, a listener's host:port held by another) follow
/// changes made one file at a time, as the agent recomputes only what a change affects.
@Suite("Statuses follow the resources they depend on")
struct DependentStatusTests {
    @Test func routingKeyMatchesAndHostPortConflicts() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        func field(_ kind: ResourceKind, _ name: String, _ key: String) -> StatusValue? { site.status(kind, name)?.status.field(key) }

        try site.write("backend.yaml", ResourceYAML.listener("backend", port: 8080, routingKey: "shared"))
        #expect(site.eventually { field(.listener, "backend", "hasMatchingConnector") == .bool(false) }, "log:\n\(agent.log)")
        // A connector with the same routing key turns the listener's match on, and its removal turns it off.
        try site.write("db.yaml", ResourceYAML.connector("db", port: 5432, routingKey: "shared"))
        #expect(site.eventually { field(.listener, "backend", "hasMatchingConnector") == .bool(true) })
        #expect(site.eventually { field(.connector, "db", "hasMatchingListener") == .bool(true) })
        try site.remove("db.yaml")
        #expect(site.eventually { field(.listener, "backend", "hasMatchingConnector") == .bool(false) })
        #expect(site.eventually { site.status(.connector, "db") == nil })

        // A second listener on the same host and port waits for the first, and takes over when it goes.
        try site.write("backend2.yaml", ResourceYAML.listener("backend2", port: 8080, routingKey: "other"))
        #expect(site.eventually { site.status(.listener, "backend2")?.status.phase == .error })
        #expect(site.status(.listener, "backend2")?.status.message.contains("already used by Listener \"backend\"") == true)
        try site.remove("backend.yaml")
        #expect(site.eventually { site.status(.listener, "backend2")?.status.phase == .ready }, "log:\n\(agent.log)")
        #expect(
            site.eventually { site.routerConfig?.contains("\"listener/backend2\"") == true && site.routerConfig?.contains("\"listener/backend\"") == false })
    }
}
