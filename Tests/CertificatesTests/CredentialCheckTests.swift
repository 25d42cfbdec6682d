import Certificates
import Foundation
import Resources
import Testing

/// Credentials are checked before they replace good ones: a key that does not match, a certificate not valid yet or
/// expired, or one its CA did not sign is refused, with why.
@Suite("Credentials checked before use")
struct CredentialCheckTests {
    static func secret(_ credentials: TLSCredentials) -> SecretSpec { SecretSpec(data: credentials.secretData) }

    @Test func goodCredentialsPassAndEachFlawIsNamed() throws {
        let now = Date()
        let ca = try CertificateAuthority.generate(commonName: "site-ca", now: now)
        let good = try ca.issue(commonName: "east", hosts: ["east.example.com"], usage: .serverAndClient, now: now)
        _ = try SiteCertificates.credentials(Self.secret(good), requireKey: false, now: now)

        var mismatched = good
        mismatched.privateKeyPEM = try ca.issue(commonName: "other", hosts: [], usage: .serverAndClient, now: now).privateKeyPEM
        #expect(throws: (any Error).self) { try SiteCertificates.credentials(Self.secret(mismatched), requireKey: false, now: now) }
        #expect(Self.failure(mismatched, now: now)?.contains("does not match") == true)

        let expiredMessage = Self.failure(good, now: now.addingTimeInterval(10 * 365 * 86_400))
        #expect(expiredMessage?.contains("has expired") == true, "\(String(describing: expiredMessage))")
        let earlyMessage = Self.failure(good, now: now.addingTimeInterval(-86_400))
        #expect(earlyMessage?.contains("not valid yet") == true, "\(String(describing: earlyMessage))")

        let stranger = try CertificateAuthority.generate(commonName: "stranger", now: now)
        var foreign = good
        foreign.caPEM = stranger.credentials.certificatePEM
        let foreignMessage = Self.failure(foreign, now: now)
        #expect(foreignMessage?.contains("not signed by the CA in ca.crt") == true, "\(String(describing: foreignMessage))")
    }

    static func failure(_ credentials: TLSCredentials, now: Date) -> String? {
        do {
            _ = try SiteCertificates.credentials(secret(credentials), requireKey: false, now: now)
            return nil
        } catch { return "\(error)" }
    }
}
