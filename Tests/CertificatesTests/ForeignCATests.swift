import Certificates
import Foundation
import Resources
import TestSupport
import Testing

/// CAs made elsewhere (Skupper v2 makes RSA-2048 ones; Kubernetes and openssl users bring RSA or EC): the site's
/// certificates are issued under them, with keys of the CA's kind, and verify with OpenSSL.
@Suite("CAs made by openssl")
struct ForeignCATests {
    /// Makes a CA with openssl: `keyArguments` choose its key (`-newkey rsa:2048`, `-newkey ec -pkeyopt ...`).
    static func openSSLCA(_ keyArguments: [String], in directory: URL) throws -> TLSCredentials {
        let key = directory.appendingPathComponent("ca.key").path, cert = directory.appendingPathComponent("ca.crt").path
        let result = try run(
            [
                "openssl", "req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=skupper-site-ca",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", key, "-out", cert,
            ] + keyArguments)
        guard result.status == 0 else { throw TestFailure("openssl: \(result.output)") }
        let certificatePEM = try String(contentsOfFile: cert, encoding: .utf8)
        return TLSCredentials(certificatePEM: certificatePEM, privateKeyPEM: try String(contentsOfFile: key, encoding: .utf8), caPEM: certificatePEM)
    }

    @Test(arguments: [
        (["-newkey", "rsa:2048"], "rsaEncryption", "sha256WithRSAEncryption"),
        (["-newkey", "rsa:3072"], "rsaEncryption", "sha256WithRSAEncryption"),
        (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "id-ecPublicKey", "ecdsa-with-SHA256"),
        (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"], "id-ecPublicKey", "ecdsa-with-SHA384"),
    ])
    func siteCertificatesAreIssuedUnderAnOpenSSLCASuppliedAsASecret(_ keyArguments: [String], _ keyType: String, _ signature: String) throws {
        let scratch = try ScratchNamespace("foreign")
        let (root, layout) = (scratch.root, scratch.layout)
        let ca = try Self.openSSLCA(keyArguments, in: root)
        let requests: [CertificateRequest] = [
            .authority("skupper-site-ca"),
            CertificateRequest(name: "east", kind: .leaf, commonName: "east", hosts: ["127.0.0.1", "east.example"], issuer: "skupper-site-ca"),
        ]
        let outcome = try SiteCertificates(layout: layout).ensure(requests, secrets: ["skupper-site-ca": SecretSpec(data: ca.secretData)])
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        #expect(outcome.copied == ["skupper-site-ca"] && outcome.generated == ["east"])
        let leaf = layout.certificate("east").appendingPathComponent("tls.crt").path
        let verify = try run(["openssl", "verify", "-CAfile", root.appendingPathComponent("ca.crt").path, leaf])
        #expect(verify.status == 0, "\(verify.output)")
        let text = try run(["openssl", "x509", "-in", leaf, "-noout", "-text"]).output
        #expect(text.contains("Public Key Algorithm: \(keyType)"), "\(text)")
        #expect(text.contains("Signature Algorithm: \(signature)"), "\(text)")
        // The key matches the certificate (as the router's OpenSSL checks when it loads them).
        let key = layout.certificate("east").appendingPathComponent("tls.key").path
        let keyCheck = try run(["openssl", "pkey", "-in", key, "-pubout"]).output
        let certKey = try run(["openssl", "x509", "-in", leaf, "-noout", "-pubkey"]).output
        #expect(keyCheck == certKey)
        // Nothing is issued again on the next pass: the leaf is current under the supplied CA.
        let again = try SiteCertificates(layout: layout).ensure(requests, secrets: ["skupper-site-ca": SecretSpec(data: ca.secretData)])
        #expect(again.generated.isEmpty && again.copied.isEmpty)
    }

    @Test func anRSACAStoredAsFilesIssuesClientCertificates() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let ca = try Self.openSSLCA(["-newkey", "rsa:2048"], in: root)
        let authority = try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM)
        let client = try authority.issue(commonName: "west", hosts: ["127.0.0.1"], usage: .serverAndClient)
        let file = root.appendingPathComponent("client.crt")
        try client.certificatePEM.write(to: file, atomically: false, encoding: .utf8)
        let verify = try run(["openssl", "verify", "-CAfile", root.appendingPathComponent("ca.crt").path, file.path])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(authority.signed(certificatePEM: client.certificatePEM))
    }
}
