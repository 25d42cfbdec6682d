import Certificates
import Foundation
import Resources
import TestSupport
import Testing

@testable import Agent

/// A certificate the agent cannot renew (here the user's site CA) that ends within 30 days turns the Site's
/// `CertificatesValid` condition False, naming it and its date; replaced by a longer one, the condition is True again.
@Suite("Certificates near their end")
struct CertificateExpiryTests {
    static func condition(_ site: TemporarySite) -> ResourceStatus.Condition? {
        site.status(.site, "west")?.status.conditions.first { $0.type == "CertificatesValid" }
    }

    @Test func aUsersCAEndingSoonIsNamedInTheSiteCondition() async throws {
        let site = try TemporarySite()
        try site.write("site.yaml", TLSOrdinalTests.site)
        let issuer = site.layout.inputIssuers.appendingPathComponent("skupper-site-ca")
        try CertificateAuthority.generate(commonName: "skupper-site-ca", validity: 10 * 86_400).credentials.write(to: issuer)
        let agent = AgentCoreTests.agent(site, grants: false)
        _ = try await AgentCoreTests.settle(agent, .start)
        let soon = try #require(Self.condition(site))
        #expect(soon.status == "False" && soon.reason == "ExpiringSoon", "\(soon)")
        #expect(
            soon.message.hasPrefix("CA skupper-site-ca expires in 9 days (") || soon.message.hasPrefix("CA skupper-site-ca expires in 10 days ("),
            "\(soon.message)")

        try CertificateAuthority.generate(commonName: "skupper-site-ca").credentials.write(to: issuer)
        _ = try await AgentCoreTests.settle(agent, .credentialsChanged(["skupper-site-ca"]))
        let valid = try #require(Self.condition(site))
        #expect(valid.status == "True" && valid.reason == "Valid", "\(valid)")
    }
}
