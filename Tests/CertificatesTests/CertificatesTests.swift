import Certificates
import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

@Suite("Certificates")
struct CertificatesTests {
    let scratch: ScratchNamespace
    var layout: SiteLayout { scratch.layout }

    init() throws { scratch = try ScratchNamespace("certs") }

    static let requests: [CertificateRequest] = [
        .authority("skupper-site-ca"),
        CertificateRequest(name: "west", kind: .leaf, commonName: "west", hosts: ["west.example.com", "127.0.0.1", "::1"], issuer: "skupper-site-ca"),
        CertificateRequest(name: "client-west", kind: .leaf, commonName: "client-west", issuer: "skupper-site-ca"),
    ]

    @Test func chainsVerifyWithOpenSSL() throws {
        let outcome = try SiteCertificates(layout: layout).ensure(Self.requests)
        #expect(outcome.generated == ["skupper-site-ca", "west", "client-west"])
        let ca = layout.issuers.appendingPathComponent("skupper-site-ca/tls.crt").path
        for name in ["west", "client-west"] {
            let cert = layout.certificate(name).appendingPathComponent("tls.crt").path
            let verify = try run(["openssl", "verify", "-CAfile", ca, cert])
            #expect(verify.status == 0, "\(verify.output)")
            let purpose = try run(["openssl", "verify", "-CAfile", ca, "-purpose", "sslserver", cert])
            #expect(purpose.status == 0, "\(purpose.output)")
            let key = layout.certificate(name).appendingPathComponent("tls.key").path
            let pub1 = try run(["openssl", "x509", "-in", cert, "-noout", "-pubkey"]).output
            let pub2 = try run(["openssl", "pkey", "-in", key, "-pubout"]).output
            #expect(pub1 == pub2)
        }
        let text = try run(["openssl", "x509", "-in", layout.certificate("west").appendingPathComponent("tls.crt").path, "-noout", "-text"]).output
        #expect(text.contains("DNS:west.example.com"))
        #expect(text.contains("IP Address:127.0.0.1"))
        #expect(text.contains("IP Address:0:0:0:0:0:0:0:1"))
        // skupper-router (Proton) matches only DNS names: every address is also a DNS name, as Skupper v2 writes it.
        #expect(text.contains("DNS:127.0.0.1"))
        let match = try run([
            "openssl", "verify", "-CAfile", ca, "-verify_hostname", "127.0.0.1",
            layout.certificate("west").appendingPathComponent("tls.crt").path,
        ])
        #expect(match.status == 0, "\(match.output)")
        #expect(text.contains("TLS Web Server Authentication") && text.contains("TLS Web Client Authentication"))
        let caText = try run(["openssl", "x509", "-in", ca, "-noout", "-text"]).output
        #expect(caText.contains("CA:TRUE"))
    }

    @Test func keysArePrivate() throws {
        try SiteCertificates(layout: layout).ensure(Self.requests)
        for directory in [layout.issuers.appendingPathComponent("skupper-site-ca"), layout.certificate("west")] {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("tls.key").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func stableWithoutCauseRegeneratedWithCause() throws {
        let certificates = SiteCertificates(layout: layout)
        try certificates.ensure(Self.requests)
        let before = try String(contentsOf: layout.certificate("west").appendingPathComponent("tls.crt"), encoding: .utf8)
        let again = try certificates.ensure(Self.requests)
        #expect(again.generated.isEmpty)
        #expect(try String(contentsOf: layout.certificate("west").appendingPathComponent("tls.crt"), encoding: .utf8) == before)

        var changed = Self.requests
        changed[1].hosts.append("west2.example.com")
        let outcome = try certificates.ensure(changed)
        #expect(outcome.generated == ["west"])

        // A corrupted certificate is replaced.
        try "garbage".write(to: layout.certificate("client-west").appendingPathComponent("tls.crt"), atomically: true, encoding: .utf8)
        #expect(try certificates.ensure(changed).generated == ["client-west"])

        // Near expiry triggers renewal.
        let later = Date().addingTimeInterval(CertificateAuthority.defaultValidity - 24 * 3600)
        #expect(try certificates.ensure(changed, now: later).generated.count == 3)
    }

    /// Leaves are written without a flush: whatever a crash leaves of one (a file empty, one missing) is issued again from
    /// the CA, which is flushed and stays.
    @Test func leavesACrashLeftTornAreIssuedAgainUnderTheSameCA() throws {
        let certificates = SiteCertificates(layout: layout)
        try certificates.ensure(Self.requests)
        let caFile = layout.issuers.appendingPathComponent("skupper-site-ca/tls.crt")
        let ca = try String(contentsOf: caFile, encoding: .utf8)
        try Data().write(to: layout.certificate("west").appendingPathComponent("tls.crt"))
        try FileManager.default.removeItem(at: layout.certificate("client-west").appendingPathComponent("tls.key"))
        let outcome = try certificates.ensure(Self.requests)
        #expect(outcome.generated == ["west", "client-west"])
        #expect(try String(contentsOf: caFile, encoding: .utf8) == ca)
        for name in ["west", "client-west"] {
            let verify = try run(["openssl", "verify", "-CAfile", caFile.path, layout.certificate(name).appendingPathComponent("tls.crt").path])
            #expect(verify.status == 0, "\(verify.output)")
        }
    }

    @Test func userSuppliedSecretsReplaceGeneratedCertificates() throws {
        let ca = try CertificateAuthority.generate(commonName: "my-ca")
        let secrets = ["skupper-site-ca": SecretSpec(data: ca.credentials.secretData)]
        try SiteCertificates(layout: layout).ensure(Self.requests, secrets: secrets)
        let stored = try #require(TLSCredentials.load(from: layout.issuers.appendingPathComponent("skupper-site-ca")))
        #expect(stored.certificatePEM == ca.certificatePEM)
        let verify = try run([
            "openssl", "verify", "-CAfile", layout.issuers.appendingPathComponent("skupper-site-ca/tls.crt").path,
            layout.certificate("west").appendingPathComponent("tls.crt").path,
        ])
        #expect(verify.status == 0)
    }

    @Test func linkProfilesHoldTheSecretsFiles() throws {
        let secret = SecretSpec(data: ["ca.crt": Data("CA".utf8), "tls.crt": Data("CRT".utf8), "tls.key": Data("KEY".utf8)])
        let certificates = SiteCertificates(layout: layout)
        #expect(try certificates.writeLinkProfile(secretName: "link-east", secret: secret))
        #expect(try !certificates.writeLinkProfile(secretName: "link-east", secret: secret))
        let directory = layout.certificate("link-east-profile")
        #expect(try String(contentsOf: directory.appendingPathComponent("tls.key"), encoding: .utf8) == "KEY")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("tls.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
