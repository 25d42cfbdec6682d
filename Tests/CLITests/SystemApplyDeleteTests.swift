import Foundation
import Resources
import TestSupport
import Testing

/// `skupper system apply|delete -f <file|->`: resources written to and removed from input/resources as Skupper v2
/// does (`<Kind>-<name>.yaml`, its messages), from a file or standard input; an invalid document changes nothing.
@Suite("skupper: system apply, system delete")
struct SystemApplyDeleteTests {
    static let site = ResourceYAML.site()
    static let secret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: creds
        stringData:
          ca.crt: "\(TestPEM.certificate.replacingOccurrences(of: "\n", with: "\\n"))"
        """
    /// A Site, a Listener, a Connector and a Secret, in an order unlike the one v2 reports.
    static var stream: String {
        [ResourceYAML.listener("backend", port: 8080), secret, ResourceYAML.connector("backend", port: 9090), site].joined(separator: "\n---\n") + "\n"
    }

    @Test func applyThenDeleteFromAFile() throws {
        let site = try TemporarySite()
        let scratch = try ScratchDirectory()
        let file = scratch.path("resources.yaml")
        try Self.stream.write(toFile: file, atomically: true, encoding: .utf8)

        var result = try site.skupper("system", "apply", "-f", file)
        #expect(result.status == 0, "\(result)")
        let input = site.layout.inputResources.path
        #expect(
            result.stdout == """
                File written to \(input)/Site-west.yaml
                Site west added
                File written to \(input)/Connector-backend.yaml
                Connector backend added
                File written to \(input)/Listener-backend.yaml
                Listener backend added
                File written to \(input)/Secret-creds.yaml
                Secret creds added
                Custom resources are applied.

                """, "\(result)")
        #expect(site.inputFiles == ["Connector-backend.yaml", "Listener-backend.yaml", "Secret-creds.yaml", "Site-west.yaml"])
        #expect(try site.inputResources("Site-west.yaml").first?.site?.linkAccess == "default")
        #expect(try site.inputResources("Listener-backend.yaml").first?.listener == ListenerSpec(routingKey: "backend", host: "0.0.0.0", port: 8080))
        #expect(try site.inputResources("Secret-creds.yaml").first?.secret?.text("ca.crt") == TestPEM.certificate)
        let secretMode = try FileManager.default.attributesOfItem(atPath: "\(input)/Secret-creds.yaml")[.posixPermissions] as? Int
        #expect(secretMode == 0o600)

        // Applying again updates in place; a resource the user keeps in a file of its own is rewritten there.
        try site.remove("Site-west.yaml")
        try site.write("my-site.yaml", Self.site + "\n")
        result = try site.skupper("system", "apply", "-f", file)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("File written to \(input)/my-site.yaml\nSite west added\n"), "\(result)")
        #expect(site.inputFiles == ["Connector-backend.yaml", "Listener-backend.yaml", "Secret-creds.yaml", "my-site.yaml"])

        result = try site.skupper("system", "delete", "-f", file)
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout == """
                Site west deleted
                Connector backend deleted
                Listener backend deleted
                Secret creds deleted
                Custom resources deleted.

                """, "\(result)")
        #expect(site.inputFiles.isEmpty)

        // Deleting what is not there reports each one, deletes nothing, and exits 1 (its lines are errors).
        result = try site.skupper("system", "delete", "-f", file)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains("Error while deleting listener \"backend\": there is no Listener \"backend\" in \(input)"), "\(result)")
    }

    @Test func applyAndDeleteFromStandardInput() throws {
        let site = try TemporarySite()
        var result = try site.skupper("system", "apply", "-f", "-", input: Self.stream)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasSuffix("Custom resources are applied.\n"), "\(result)")
        #expect(site.inputFiles == ["Connector-backend.yaml", "Listener-backend.yaml", "Secret-creds.yaml", "Site-west.yaml"])

        // What `skupper ... generate` prints can be piped in.
        let generated = try site.skupper("listener", "generate", "db", "5432")
        result = try site.skupper("system", "apply", "-f", "-", input: generated.stdout)
        #expect(result.status == 0 && result.stdout.contains("Listener db added"), "\(result)")

        result = try site.skupper(
            "system", "delete", "--filename", "-", input: ResourceYAML.listener("backend", port: 1) + "\n---\n" + ResourceYAML.listener("db", port: 1))
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("Listener backend deleted\nListener db deleted\n"), "\(result)")
        #expect(site.inputFiles == ["Connector-backend.yaml", "Secret-creds.yaml", "Site-west.yaml"])
    }

    @Test func anInvalidDocumentWritesNothing() throws {
        let site = try TemporarySite()
        let invalid = Self.site + "\n---\n" + ResourceYAML.listener("backend", port: 99999) + "\n"
        var result = try site.skupper("system", "apply", "-f", "-", input: invalid)
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.hasPrefix("Error: Failed parsing the custom resources: standard input: document 2, line "), "\(result)")
        #expect(result.stderr.contains("spec.port"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(site.inputFiles.isEmpty)

        // Broken YAML in a file: the file, document and line are named.
        let scratch = try ScratchDirectory()
        let file = scratch.path("broken.yaml")
        try (Self.site + "\n---\nkind: Listener\nmetadata: [unclosed\n").write(toFile: file, atomically: true, encoding: .utf8)
        result = try site.skupper("system", "apply", "-f", file)
        #expect(result.status != 0 && result.stderr.hasPrefix("Error: Failed parsing the custom resources: \(file): document 2"), "\(result)")
        #expect(site.inputFiles.isEmpty)

        // A Listener kept in a file with other resources is not duplicated: an error, and nothing is written.
        try site.write("both.yaml", ResourceYAML.listener("backend", port: 1) + "\n---\n" + ResourceYAML.connector("backend", port: 2) + "\n")
        result = try site.skupper("system", "apply", "-f", "-", input: Self.stream)
        #expect(result.status != 0 && result.stderr.contains("together with other resources"), "\(result)")
        #expect(site.inputFiles == ["both.yaml"])

        // An unknown kind is skipped with a warning, as v2 ignores it.
        result = try site.skupper(
            "system", "apply", "-f", "-", input: "apiVersion: skupper.io/v2alpha1\nkind: Frobnicator\nmetadata:\n  name: x\n---\n" + Self.site)
        #expect(result.status == 0 && result.stdout.contains("Site west added"), "\(result)")
        #expect(result.stderr.contains("Warning: standard input: document 1") && result.stderr.contains("unknown kind \"Frobnicator\""), "\(result)")
    }

    @Test func fileChecksAsV2() throws {
        let site = try TemporarySite()
        let scratch = try ScratchDirectory()
        var result = try site.skupper("system", "apply")
        #expect(
            result.status != 0
                && result.stderr == "Error: You need to provide a file to apply or use standard input.\n Example: cat site.yaml | skupper system apply -f -\n",
            "\(result)")
        result = try site.skupper("system", "delete")
        #expect(
            result.status != 0 && result.stderr.hasPrefix("Error: You need to provide a file to delete custom resources or use standard input."), "\(result)")
        result = try site.skupper("system", "apply", "-f", scratch.path("site.txt"))
        #expect(
            result.status != 0 && result.stderr.hasPrefix("Error: The file has an unsupported extension, it should have one of the following: .yaml, .json"),
            "\(result)")
        result = try site.skupper("system", "apply", "-f", scratch.path("missing.yaml"))
        #expect(result.status != 0 && result.stderr == "Error: The file \"\(scratch.path("missing.yaml"))\" does not exist\n", "\(result)")
        try FileManager.default.createDirectory(atPath: scratch.path("dir.yaml"), withIntermediateDirectories: true)
        result = try site.skupper("system", "delete", "-f", scratch.path("dir.yaml"))
        #expect(result.status != 0 && result.stderr == "Error: The file \"\(scratch.path("dir.yaml"))\" is a directory\n", "\(result)")
        // JSON is accepted.
        let json = scratch.path("listener.json")
        try
            #"{"apiVersion": "skupper.io/v2alpha1", "kind": "Listener", "metadata": {"name": "db"}, "spec": {"host": "0.0.0.0", "port": 5432, "routingKey": "db"}}"#
            .write(toFile: json, atomically: true, encoding: .utf8)
        result = try site.skupper("system", "apply", "-f", json)
        #expect(result.status == 0 && site.inputFiles == ["Listener-db.yaml"], "\(result)")
    }

    /// The agent picks up what `system apply` wrote and drops what `system delete` removed.
    @Test func theAgentFollows() throws {
        let site = try TemporarySite()
        let agent = try AgentProcess(site: site)
        defer { agent.stop() }
        var result = try site.skupper("system", "apply", "-f", "-", input: Self.stream)
        #expect(result.status == 0, "\(result)")
        #expect(site.eventually(timeout: 20) { site.status(.listener, "backend")?.status.phase == .ready }, "log:\n\(agent.log)")
        result = try site.skupper("system", "delete", "-f", "-", input: ResourceYAML.listener("backend", port: 8080))
        #expect(result.status == 0, "\(result)")
        #expect(site.eventually(timeout: 20) { site.status(.listener, "backend") == nil }, "log:\n\(agent.log)")
    }
}
