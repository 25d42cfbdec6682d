import Foundation
import Resources
import TestSupport
import Testing

@testable import Agent

/// The agent writes the proxy profile's password where the router reads it, keeps it current, removes it with the
/// last Link that uses it, and gives a Link whose proxy Secret is missing an Error status.
@Suite("Link proxy profiles in the agent")
struct LinkProxyAgentTests {
    static let link = ResourceYAML.proxiedLink()

    static func proxy(password: String) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: corp-proxy}
        type: kubernetes.io/basic-auth
        stringData: {host: proxy.example.com, port: "3128", username: skupper, password: \(password)}
        """
    }

    @Test func thePasswordFileFollowsTheSecretAndAMissingSecretIsTheLinksError() async throws {
        let site = try TemporarySite()
        let agent = AgentCoreTests.agent(site)
        try site.write("site.yaml", Fixtures.site)
        try site.write("link.yaml", Self.link)
        try site.write("proxy.yaml", Self.proxy(password: "first"))
        try await AgentCoreTests.settle(agent, .start)

        let directory = site.layout.proxies.appendingPathComponent("corp-proxy")
        let file = directory.appendingPathComponent("password.txt")
        #expect(try String(contentsOf: file, encoding: .utf8) == "first")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int == 0o700)
        let config = try #require(site.routerConfig)
        #expect(config.contains("\"proxyProfile\": \"corp-proxy\""))
        #expect(config.contains("file:\(site.layout.root.path)/runtime/proxies/corp-proxy/password.txt"))
        #expect(!config.contains("first"))
        #expect(site.status(.link, "to-east")?.status.phase == .ready)

        try site.write("proxy.yaml", Self.proxy(password: "second"))
        try await AgentCoreTests.settle(agent, .filesChanged(["proxy.yaml"]))
        #expect(try String(contentsOf: file, encoding: .utf8) == "second")

        try site.remove("proxy.yaml")
        try await AgentCoreTests.settle(agent, .filesChanged(["proxy.yaml"]))
        let status = try #require(site.status(.link, "to-east")?.status)
        #expect(status.phase == .error)
        #expect(status.message.hasPrefix(#"Secret "corp-proxy" (spec.settings.proxy-configuration) not found"#), "\(status.message)")
        let after = try #require(site.routerConfig)
        #expect(!after.contains("corp-proxy") && !after.contains("\"name\": \"to-east\""), "no connector naming a missing profile")
        #expect(!FileManager.default.fileExists(atPath: directory.path), "the password goes with the last Link that uses it")
        // The rest of the site is unaffected.
        #expect(site.status(.site, "west")?.status.phase == .ready)
    }

    @Test func leftoversOfAnEarlierRunAreRemoved() async throws {
        let site = try TemporarySite()
        try site.layout.createDirectories()
        let stale = site.layout.proxies.appendingPathComponent("old-proxy")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try "old".write(to: stale.appendingPathComponent("password.txt"), atomically: false, encoding: .utf8)
        let agent = AgentCoreTests.agent(site)
        try site.write("site.yaml", Fixtures.site)
        try await AgentCoreTests.settle(agent, .start)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: site.layout.proxies.path))
    }
}
