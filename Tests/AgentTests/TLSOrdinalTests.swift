import Certificates
import Foundation
import Resources
import TestSupport
import Testing

@testable import Agent

/// Each rotation of an sslProfile's credentials takes it to its next revision, kept across agent restarts (and taken
/// from `skrouterd.json` when the state file is lost), with the oldest valid revision `tls-prior-valid-revisions` behind.
@Suite("TLS revisions across restarts")
struct TLSOrdinalTests {
    static let site = "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: west}\nspec: {linkAccess: default}\n"

    static func rotate(_ site: TemporarySite, _ agent: SiteAgent) async throws {
        let authority = try SiteCertificates(layout: site.layout).authority("skupper-site-ca")
        let credentials = try authority.issue(commonName: "west", hosts: ["west.example.com"], usage: .serverAndClient)
        try credentials.write(to: site.layout.inputCertificates.appendingPathComponent("west"))
        _ = try await AgentCoreTests.settle(agent, .credentialsChanged(["west"]))
    }

    static func profile(_ site: TemporarySite) -> (ordinal: String?, oldest: String?) {
        let config = site.routerConfig ?? ""
        func value(_ key: String) -> String? {
            guard let range = config.range(of: "\"\(key)\": ") else { return nil }
            return String(config[range.upperBound...].prefix { $0.isNumber })
        }
        return (value("ordinal"), value("oldestValidOrdinal"))
    }

    @Test func revisionsGoOnAcrossRestartsAndFromTheConfigurationWhenTheStateIsLost() async throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Self.site)
        let first = AgentCoreTests.agent(site, grants: false)
        _ = try await AgentCoreTests.settle(first, .start)
        #expect(Self.profile(site).ordinal == nil)
        try await Self.rotate(site, first)
        #expect(Self.profile(site).ordinal == "1" && Self.profile(site).oldest == nil)

        let second = AgentCoreTests.agent(site, grants: false)
        _ = try await AgentCoreTests.settle(second, .start)
        #expect(Self.profile(site).ordinal == "1", "a restarted agent keeps the revision")
        try await Self.rotate(site, second)
        try await Self.rotate(site, second)
        #expect(Self.profile(site).ordinal == "3" && Self.profile(site).oldest == "1", "\(Self.profile(site))")

        try FileManager.default.removeItem(at: site.layout.tlsOrdinals)
        let third = AgentCoreTests.agent(site, grants: false)
        _ = try await AgentCoreTests.settle(third, .start)
        try await Self.rotate(site, third)
        #expect(Self.profile(site).ordinal == "4" && Self.profile(site).oldest == "2", "taken from skrouterd.json: \(Self.profile(site))")
        let mode = try FileManager.default.attributesOfItem(atPath: site.layout.tlsOrdinals.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
