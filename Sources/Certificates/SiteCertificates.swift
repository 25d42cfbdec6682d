import Foundation
import Resources
import X509

/// Keeps a site's certificates on disk: CAs under `runtime/issuers/`, leaves under `runtime/certs/`.
/// A certificate is only (re)generated with cause: missing, unreadable, signed by another CA, covering other
/// hosts, or close to expiry. User-supplied Secrets of the same name take the place of generated ones.
public struct SiteCertificates: Sendable {
    public let layout: SiteLayout
    /// Renew a certificate when it expires within this interval.
    public var renewBefore: TimeInterval = 30 * 24 * 3600

    public init(layout: SiteLayout) {
        self.layout = layout
    }

    /// What changed on disk.
    public struct Outcome: Sendable, Hashable {
        public var generated: [String] = []
        public var copied: [String] = []
        public var unchanged: [String] = []
    }

    /// Makes every requested certificate present and valid; `secrets` are user-supplied overrides by name.
    public func ensure(_ requests: [CertificateRequest], secrets: [String: SecretSpec] = [:], now: Date = Date()) throws -> Outcome {
        var outcome = Outcome()
        var authorities: [String: CertificateAuthority] = [:]
        for request in requests where request.kind == .authority {
            let directory = layout.issuers.appendingPathComponent(request.name)
            if let secret = secrets[request.name], let supplied = TLSCredentials(secretData: secret.data) {
                authorities[request.name] = try CertificateAuthority(certificatePEM: supplied.certificatePEM, privateKeyPEM: supplied.privateKeyPEM)
                if TLSCredentials.load(from: directory) != supplied { try supplied.write(to: directory); outcome.copied.append(request.name) }
                continue
            }
            if let existing = TLSCredentials.load(from: directory),
               let authority = try? CertificateAuthority(certificatePEM: existing.certificatePEM, privateKeyPEM: existing.privateKeyPEM),
               authority.certificate.notValidAfter > now.addingTimeInterval(renewBefore) {
                authorities[request.name] = authority
                outcome.unchanged.append(request.name)
                continue
            }
            let authority = try CertificateAuthority.generate(commonName: request.commonName, now: now)
            try authority.credentials.write(to: directory)
            authorities[request.name] = authority
            outcome.generated.append(request.name)
        }
        for request in requests where request.kind == .leaf {
            let directory = layout.certificate(request.name)
            if let secret = secrets[request.name], let supplied = TLSCredentials(secretData: secret.data) {
                if TLSCredentials.load(from: directory) != supplied { try supplied.write(to: directory); outcome.copied.append(request.name) }
                continue
            }
            guard let issuerName = request.issuer, let issuer = authorities[issuerName] else {
                throw CertificateError("certificate \(request.name): issuer \(request.issuer ?? "(none)") is not a known CA")
            }
            if let existing = TLSCredentials.load(from: directory), isCurrent(existing, for: request, issuer: issuer, now: now) {
                outcome.unchanged.append(request.name)
                continue
            }
            try issuer.issue(commonName: request.commonName, hosts: request.hosts, usage: .serverAndClient, now: now).write(to: directory)
            outcome.generated.append(request.name)
        }
        return outcome
    }

    /// Writes a Link's Secret into `runtime/certs/<secret>-profile/`, where its sslProfile points.
    @discardableResult
    public func writeLinkProfile(secretName: String, secret: SecretSpec) throws -> Bool {
        let directory = layout.certificate(SitePlan.linkProfile(secretName))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var changed = false
        for (key, value) in secret.data.sorted(by: { $0.key < $1.key }) where !key.contains("/") && !key.hasPrefix(".") {
            let mode: mode_t = key.hasSuffix(".key") ? 0o600 : 0o644
            if try AtomicFile.write(value, to: directory.appendingPathComponent(key), mode: mode) { changed = true }
        }
        return changed
    }

    /// The CA of a given name, as stored under `runtime/issuers/`.
    public func authority(_ name: String) throws -> CertificateAuthority {
        guard let stored = TLSCredentials.load(from: layout.issuers.appendingPathComponent(name)) else {
            throw CertificateError("CA \(name) not found under \(layout.issuers.path)")
        }
        return try CertificateAuthority(certificatePEM: stored.certificatePEM, privateKeyPEM: stored.privateKeyPEM)
    }

    /// Whether stored credentials still satisfy a request.
    func isCurrent(_ stored: TLSCredentials, for request: CertificateRequest, issuer: CertificateAuthority, now: Date) -> Bool {
        guard let certificate = try? Certificate(pemEncoded: stored.certificatePEM),
              let key = try? Certificate.PrivateKey(pemEncoded: stored.privateKeyPEM),
              key.publicKey == certificate.publicKey,
              stored.caPEM == issuer.certificatePEM,
              issuer.signed(certificate),
              certificate.notValidAfter > now.addingTimeInterval(renewBefore) else { return false }
        let wanted = Set(CertificateAuthority.generalNames(request.hosts))
        let present = Set((try? certificate.extensions.subjectAlternativeNames).map { Array($0) } ?? [])
        return wanted == present
    }
}
