import Foundation
import Resources
import TestSupport
import Testing

/// site, listener and connector commands: the YAML they write, and the statuses they read back from a real agent.
@Suite("skupper: site, listener, connector")
struct ResourceCommandTests {
    @Test func createWritesSkupperYAML() throws {
        let site = try TemporarySite()
        var result = try site.skupper("site", "create", "west", "--enable-link-access")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "File written to \(site.layout.inputResources.appendingPathComponent("Site-west.yaml").path)\n")
        result = try site.skupper("listener", "create", "backend", "8080")
        #expect(result.status == 0, "\(result)")
        result = try site.skupper("connector", "create", "backend", "9090", "--routing-key", "backend-key")
        #expect(result.status == 0, "\(result)")
        #expect(site.inputFiles == ["Connector-backend.yaml", "Listener-backend.yaml", "Site-west.yaml"])

        let text = try String(contentsOf: site.layout.inputResources.appendingPathComponent("Site-west.yaml"), encoding: .utf8)
        #expect(
            text == """
                apiVersion: skupper.io/v2alpha1
                kind: Site
                metadata:
                  name: west
                spec:
                  linkAccess: default

                """)
        let listener = try #require(try site.inputResources("Listener-backend.yaml").first?.listener)
        #expect(listener == ListenerSpec(routingKey: "backend", host: "0.0.0.0", port: 8080))
        let connector = try #require(try site.inputResources("Connector-backend.yaml").first?.connector)
        #expect(connector == ConnectorSpec(routingKey: "backend-key", host: "localhost", port: 9090))

        // A second listener of the same name is refused; update keeps what is not given.
        result = try site.skupper("listener", "create", "backend", "8081")
        #expect(result.status != 0 && result.stderr.hasPrefix("Error: There is already a listener backend"), "\(result)")
        result = try site.skupper("listener", "update", "backend", "--port", "8081", "--host", "127.0.0.1")
        #expect(result.status == 0, "\(result)")
        #expect(try site.inputResources("Listener-backend.yaml").first?.listener == ListenerSpec(routingKey: "backend", host: "127.0.0.1", port: 8081))
        result = try site.skupper("site", "update", "--disable-link-access", "--edge")
        #expect(result.status == 0, "\(result)")
        #expect(try site.inputResources("Site-west.yaml").first?.site == SiteSpec(edge: true))
        // Another Site in the same namespace is refused.
        result = try site.skupper("site", "create", "east")
        #expect(result.status != 0, "\(result)")

        result = try site.skupper("connector", "delete", "backend")
        #expect(result.status == 0, "\(result)")
        result = try site.skupper("listener", "delete", "backend")
        #expect(result.status == 0, "\(result)")
        result = try site.skupper("site", "delete")
        #expect(result.status == 0, "\(result)")
        #expect(site.inputFiles.isEmpty)
    }

    @Test func generatePrintsWithoutWriting() throws {
        let site = try TemporarySite()
        var result = try site.skupper("listener", "generate", "db", "5432", "--routing-key", "postgres")
        #expect(result.status == 0, "\(result)")
        let listener = try #require(try ResourceLoader.parse(result.stdout, file: "stdout").resources.first)
        #expect(listener.name == "db" && listener.listener == ListenerSpec(routingKey: "postgres", host: "0.0.0.0", port: 5432))
        result = try site.skupper("connector", "generate", "db", "5432", "-o", "json")
        #expect(result.status == 0, "\(result)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["kind"] as? String == "Connector")
        #expect((json["spec"] as? [String: Any])?["port"] as? Int == 5432)
        #expect((json["spec"] as? [String: Any])?["host"] as? String == "localhost")
        result = try site.skupper("site", "generate", "west", "--enable-link-access", "--link-access-type", "default")
        #expect(try ResourceLoader.parse(result.stdout, file: "stdout").resources.first?.site?.linkAccess == "default")
        #expect(site.inputFiles.isEmpty)
    }

    @Test func statusBeforeTheAgentRuns() throws {
        let site = try TemporarySite()
        _ = try site.skupper("site", "create", "west")
        _ = try site.skupper("listener", "create", "backend", "8080")
        var result = try site.skupper("listener", "status")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Pending"), "\(result)")
        #expect(result.stdout.contains("the agent is not running; start it: skupperd --config-dir \(site.layout.root.path)"), "\(result)")
        result = try site.skupper("site", "status")
        #expect(result.stdout.contains("the agent is not running; start it: skupperd --config-dir"), "\(result)")
        result = try site.skupper("connector", "status")
        #expect(result.stdout == "No connectors found\n", "\(result)")
    }

    @Test func agentAcceptsWhatTheCLIWrites() throws {
        let site = try TemporarySite()
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        var result = try site.skupper("site", "create", "west", "--enable-link-access", "--wait", "ready", "--timeout", "20s")
        #expect(result.status == 0, "\(result)\nlog:\n\(agent.log)")
        #expect(result.stdout.hasSuffix("Waiting for status...\nSite \"west\" is ready.\n"), "\(result)")
        result = try site.skupper("listener", "create", "backend", "8080", "--wait", "ready")
        #expect(result.status == 0, "\(result)\nlog:\n\(agent.log)")
        result = try site.skupper("connector", "create", "backend", "9090", "--wait", "ready")
        #expect(result.status == 0, "\(result)\nlog:\n\(agent.log)")
        result = try site.skupper("listener", "create", "lonely", "8181", "--routing-key", "nobody", "--wait", "ready")
        #expect(result.status == 0, "\(result)\nlog:\n\(agent.log)")
        #expect(site.eventually { site.status(.listener, "backend")?.status.field("hasMatchingConnector") == .bool(true) })

        result = try site.skupper("listener", "status")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result)")
        #expect(lines[0].hasPrefix("NAME") && lines[0].contains("STATUS") && lines[0].contains("ROUTING-KEY") && lines[0].contains("MATCHING-CONNECTOR"))
        let columns = lines.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(columns[1] == ["backend", "Ready", "backend", "0.0.0.0", "8080", "true", "OK"], "\(result)")
        #expect(columns[2] == ["lonely", "Ready", "nobody", "0.0.0.0", "8181", "false", "OK"], "\(result)")
        // Columns line up: every header starts where its values start.
        let start = lines[0].range(of: "ROUTING-KEY")!.lowerBound.utf16Offset(in: lines[0])
        #expect(lines[1].dropFirst(start).hasPrefix("backend") && lines[2].dropFirst(start).hasPrefix("nobody"), "\(result)")

        result = try site.skupper("connector", "status", "backend")
        #expect(result.stdout.contains("Has Matching Listener:") && result.stdout.contains("true"), "\(result)")
        result = try site.skupper("site", "status")
        #expect(
            result.stdout.split(separator: "\n").last?.split(separator: " ", omittingEmptySubsequences: true) == [
                "west", "Ready", "OK", "(render-only", "platform:", "no", "router", "runs)",
            ], "\(result)")

        // -o yaml prints the agent's status documents; -o json the same as JSON.
        result = try site.skupper("listener", "status", "backend", "-o", "yaml")
        let document = try StatusDocument.parse(result.stdout)
        #expect(document.id == ResourceID(.listener, "backend") && document.status.phase == .ready, "\(result)")
        #expect(document.status.field("hasMatchingConnector") == .bool(true))
        result = try site.skupper("listener", "status", "-o", "yaml")
        #expect(result.stdout.components(separatedBy: "---\n").filter { !$0.isEmpty }.count == 2, "\(result)")
        result = try site.skupper("connector", "status", "-o", "json")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result)")
        let status = try #require(array.first?["status"] as? [String: Any])
        #expect(status["status"] as? String == "Ready" && status["hasMatchingListener"] as? Bool == true, "\(result)")
        result = try site.skupper("site", "status", "-o", "json")
        let siteJSON = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
        #expect((siteJSON["status"] as? [String: Any])?["sitesInNetwork"] as? Int == 1)

        // The agent rejected none of the files.
        let errors = (try? String(contentsOf: site.layout.status.appendingPathComponent("input-errors.yaml"), encoding: .utf8)) ?? ""
        #expect(!errors.contains("file:"), "\(errors)")

        result = try site.skupper("listener", "delete", "lonely")
        #expect(result.status == 0)
        #expect(site.eventually { site.status(.listener, "lonely") == nil })
    }
}
