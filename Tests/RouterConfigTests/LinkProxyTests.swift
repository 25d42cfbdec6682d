import Foundation
import Resources
import RouterEntities
import RouterRendering
import Testing

/// A Link's `settings.proxy-configuration` names a Secret with the proxy's host, port and credentials, as on a
/// Skupper v2 Kubernetes site: its connector names a proxyProfile rendered from that Secret, or, without a usable
/// Secret, the Link is left out with a problem (never a connector naming a profile the router lacks).
@Suite("Link proxy profiles")
struct LinkProxyTests {
    static func inputs(proxySecret: String?, setting: String = "corp-proxy") -> String {
        let link = RouterConfigTests.inputs.replacingOccurrences(
            of: "  tlsCredentials: link-east\n  cost: 2\n",
            with: "  tlsCredentials: link-east\n  cost: 2\n  settings: {proxy-configuration: \(setting)}\n")
        return link + (proxySecret.map { "\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: corp-proxy}\ntype: kubernetes.io/basic-auth\n\($0)" } ?? "")
    }

    static let withAuth = "stringData: {host: proxy.example.com, port: \"3128\", username: skupper, password: s3cret}"

    func render(_ text: String, base: String = "/B") throws -> (SitePlan, RouterConfig) {
        let resources = try ResourceLoader.parse(text, file: "in.yaml").resources
        let plan = SitePlan(resources: resources, identity: RouterConfigTests.identity)
        let config = try #require(
            RouterConfigRenderer(platform: "linux", sslProfileBasePath: base, version: "2.1.0")
                .render(plan, identity: RouterConfigTests.identity, namespace: "default"))
        return (plan, config)
    }

    @Test func theConnectorNamesAProfileRenderedFromTheSecret() throws {
        let (plan, config) = try render(Self.inputs(proxySecret: Self.withAuth))
        #expect(plan.problem(for: ResourceID(.link, "link-east")) == nil)
        let connector = try #require(config.entity("connector", named: "link-east"))
        #expect(connector.attributes.map(\.0) == ["name", "role", "host", "port", "cost", "sslProfile", "proxyProfile"])
        #expect(connector["proxyProfile"] == .string("corp-proxy"))
        let profile = try #require(config.entity("proxyProfile", named: "corp-proxy"))
        #expect(profile.attributes.map(\.0) == ["name", "host", "port", "username", "password"])
        #expect(profile["host"] == .string("proxy.example.com") && profile["port"] == .string("3128") && profile["username"] == .string("skupper"))
        // The password is read from a file, never written into the configuration.
        #expect(profile["password"] == .string("file:/B/runtime/proxies/corp-proxy/password.txt"))
        #expect(!config.json().contains("s3cret"))
        #expect(plan.proxyProfiles["corp-proxy"]?.password == "s3cret")
        // Skupper v2's entity order: sslProfiles, proxyProfiles, then the connectors.
        let groups = config.entities.map(\.type).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(groups.prefix(4) == ["router", "sslProfile", "proxyProfile", "connector"])
    }

    @Test func aProxyWithoutAuthenticationHasNoCredentials() throws {
        let (_, config) = try render(Self.inputs(proxySecret: "stringData: {host: 10.0.0.8, port: \"8080\"}"))
        let profile = try #require(config.entity("proxyProfile", named: "corp-proxy"))
        #expect(profile.attributes.map(\.0) == ["name", "host", "port"])
        #expect(config.entity("connector", named: "link-east")?["proxyProfile"] == .string("corp-proxy"))
    }

    @Test func containersReadThePasswordUnderTheProfileBasePath() throws {
        let (_, config) = try render(Self.inputs(proxySecret: Self.withAuth), base: RouterConfigRenderer.containerBasePath)
        #expect(
            config.entity("proxyProfile", named: "corp-proxy")?["password"] == .string("file:${SSL_PROFILE_BASE_PATH}/runtime/proxies/corp-proxy/password.txt"))
    }

    @Test func aMissingProfileLeavesTheLinkOutWithAProblem() throws {
        let (plan, config) = try render(Self.inputs(proxySecret: nil))
        let problem = try #require(plan.problem(for: ResourceID(.link, "link-east")))
        #expect(problem.hasPrefix(#"Secret "corp-proxy" (spec.settings.proxy-configuration) not found"#), "\(problem)")
        #expect(config.entity("connector", named: "link-east") == nil)
        #expect(config.entities(ofType: "proxyProfile").isEmpty)
        #expect(!config.json().contains("corp-proxy"))
        // The rest of the site is unaffected.
        #expect(config.entity("tcpConnector", named: "connector/db@localhost") != nil)
    }

    @Test(arguments: [
        ("stringData: {port: \"3128\"}", "has no data.host"),
        ("stringData: {host: proxy}", "has no data.port"),
        ("stringData: {host: proxy, port: http}", "has data.port \"http\", which is not a port number"),
        ("stringData: {host: proxy, port: \"70000\"}", "which is not a port number"),
        ("stringData: {host: proxy, port: \"3128\", username: u}", "has data.username but no data.password"),
        ("stringData: {host: proxy, port: \"3128\", password: p}", "has data.password but no data.username"),
        ("stringData: {host: proxy, port: \"3128\", username: u, password: \"two\\nlines\"}", "must be one line"),
    ])
    func anUnusableSecretLeavesTheLinkOutAndSaysWhy(_ secret: String, _ expected: String) throws {
        let (plan, config) = try render(Self.inputs(proxySecret: secret))
        let problem = try #require(plan.problem(for: ResourceID(.link, "link-east")))
        #expect(problem.hasPrefix(#"Secret "corp-proxy" (spec.settings.proxy-configuration) cannot be used as a proxy profile: it "#), "\(problem)")
        #expect(problem.contains(expected), "\(problem)")
        #expect(config.entity("connector", named: "link-east") == nil)
        #expect(config.entities(ofType: "proxyProfile").isEmpty)
    }

    @Test func anEmptySettingMeansNoProxy() throws {
        let (plan, config) = try render(Self.inputs(proxySecret: nil, setting: "\"\""))
        #expect(plan.problem(for: ResourceID(.link, "link-east")) == nil)
        #expect(config.entity("connector", named: "link-east")?["proxyProfile"] == nil)
    }
}
