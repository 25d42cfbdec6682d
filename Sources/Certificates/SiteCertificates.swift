import FoundationEssentials
import HostSupport
import Resources
import SiteFiles
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#endif

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

    /// What changed on disk, and the user-supplied Secrets that could not be used (by name, with why).
    public struct Outcome: Sendable, Hashable {
        public var generated: [String] = []
        public var copied: [String] = []
        public var unchanged: [String] = []
        /// Secrets that do not hold usable credentials: their last good credentials stay in force.
        public var problems: [String: String] = [:]
        /// When each certificate on disk expires (its `tls.crt`), where that is known.
        public var expirations: [CertificateRequest.Location: Date] = [:]
    }

    /// Makes every requested certificate present and valid; `secrets` are user-supplied overrides by name.
    /// A supplied Secret that does not parse is reported in `problems` and changes nothing on disk: the last good
    /// credentials stay, and a CA the user supplies is never replaced by a generated one. Throws only when the
    /// file system fails or a name would lead outside the namespace directory.
    public func ensure(_ requests: [CertificateRequest], secrets: [String: SecretSpec] = [:], now: Date = Date()) throws -> Outcome {
        var outcome = Outcome()
        var authorities: [String: CertificateAuthority] = [:]
        for request in requests where request.kind == .authority {
            let directory = try layout.child(layout.issuers, request.name)
            let stored = TLSCredentials.load(from: directory)
            if let secret = secrets[request.name] {
                do {
                    let supplied = try Self.credentials(secret, requireKey: true)
                    authorities[request.name] = try CertificateAuthority(certificatePEM: supplied.certificatePEM, privateKeyPEM: supplied.privateKeyPEM)
                    if stored != supplied {
                        try supplied.write(to: directory)
                        outcome.copied.append(request.name)
                    }
                } catch {
                    outcome.problems[request.name] = "\(error)"
                    authorities[request.name] = stored.flatMap { try? CertificateAuthority(certificatePEM: $0.certificatePEM, privateKeyPEM: $0.privateKeyPEM) }
                }
                outcome.expirations[request.location] = authorities[request.name]?.certificate.notValidAfter
                continue
            }
            if let stored, let authority = try? CertificateAuthority(certificatePEM: stored.certificatePEM, privateKeyPEM: stored.privateKeyPEM),
                authority.certificate.notValidAfter > now.addingTimeInterval(renewBefore),
                Self.commonName(authority.certificate) == request.commonName
            {
                authorities[request.name] = authority
                outcome.unchanged.append(request.name)
                outcome.expirations[request.location] = authority.certificate.notValidAfter
                continue
            }
            let authority = try CertificateAuthority.generate(commonName: request.commonName, now: now)
            try authority.credentials.write(to: directory)
            authorities[request.name] = authority
            outcome.generated.append(request.name)
            outcome.expirations[request.location] = authority.certificate.notValidAfter
        }
        for request in requests where request.kind == .leaf {
            let directory = try layout.child(layout.certificates, request.name)
            if let secret = secrets[request.name] {
                do {
                    let supplied = try Self.credentials(secret, requireKey: false)
                    if TLSCredentials.load(from: directory) != supplied {
                        try supplied.write(to: directory)
                        outcome.copied.append(request.name)
                    }
                } catch {
                    outcome.problems[request.name] = "\(error)"
                }
                outcome.expirations[request.location] =
                    TLSCredentials.load(from: directory).flatMap { try? Certificate(pemEncoded: $0.certificatePEM) }?.notValidAfter
                continue
            }
            guard let issuerName = request.issuer, let issuer = authorities[issuerName] else {
                if let issuerName = request.issuer, outcome.problems[issuerName] != nil { continue }
                throw CertificateError("certificate \(request.name): issuer \(request.issuer ?? "(none)") is not a known CA")
            }
            if let existing = TLSCredentials.load(from: directory), isCurrent(existing, for: request, issuer: issuer, now: now) {
                outcome.unchanged.append(request.name)
                outcome.expirations[request.location] = try? Certificate(pemEncoded: existing.certificatePEM).notValidAfter
                continue
            }
            let issued = try issuer.issue(commonName: request.commonName, hosts: request.hosts, usage: .serverAndClient, now: now)
            // Not flushed: a leaf a crash left torn or missing fails `isCurrent` at the next start and is issued again
            // from its CA (which is flushed: the site's identity, trusted by other sites, cannot be made again).
            try issued.write(to: directory, durable: false)
            outcome.generated.append(request.name)
            outcome.expirations[request.location] = try? Certificate(pemEncoded: issued.certificatePEM).notValidAfter
        }
        return outcome
    }

    /// When the (first) certificate of a PEM file ends; nil if it holds none.
    public static func expiration(certificatePEM: Data) -> Date? {
        (try? Certificate(pemEncoded: String(decoding: certificatePEM, as: UTF8.self)))?.notValidAfter
    }

    /// A Secret's credentials, checked before anything is written: every PEM it holds parses, a key matches its
    /// certificate, the certificate is valid now, and it is signed by the CA beside it (directly or through the
    /// intermediates after it in `tls.crt`), so the router is never handed credentials its peers would refuse.
    public static func credentials(_ secret: SecretSpec, requireKey: Bool, now: Date = Date()) throws -> TLSCredentials {
        guard let credentials = TLSCredentials(secretData: secret.data) else {
            throw CertificateError("the Secret holds neither tls.crt and tls.key nor ca.crt")
        }
        if requireKey && (credentials.certificatePEM.isEmpty || credentials.privateKeyPEM.isEmpty) {
            throw CertificateError("a CA Secret needs tls.crt and tls.key")
        }
        if !credentials.certificatePEM.isEmpty {
            guard let certificate = try? Certificate(pemEncoded: credentials.certificatePEM) else { throw CertificateError("tls.crt is not a PEM certificate") }
            if !credentials.privateKeyPEM.isEmpty {
                guard let key = try? Certificate.PrivateKey(pemEncoded: credentials.privateKeyPEM) else {
                    throw CertificateError("tls.key is not a PEM private key")
                }
                guard key.publicKey == certificate.publicKey else { throw CertificateError("tls.key does not match tls.crt") }
            }
            try checkValidity(certificate, name: "tls.crt", now: now)
        }
        if !credentials.caPEM.isEmpty {
            guard let authorities = try? PEMDocument.parseMultiple(pemString: credentials.caPEM).map({ try Certificate(pemDocument: $0) }),
                !authorities.isEmpty
            else { throw CertificateError("ca.crt is not a PEM certificate") }
            if !credentials.certificatePEM.isEmpty,
                let chain = try? PEMDocument.parseMultiple(pemString: credentials.certificatePEM).map({ try Certificate(pemDocument: $0) }),
                !chainsUp(chain, to: authorities)
            {
                throw CertificateError("tls.crt is not signed by the CA in ca.crt (\(authorities[0].subject)): its peers would refuse it")
            }
        }
        return credentials
    }

    /// Refuses a certificate that is not valid yet or no longer (five minutes of clock skew allowed).
    static func checkValidity(_ certificate: Certificate, name: String, now: Date) throws {
        if certificate.notValidBefore > now.addingTimeInterval(300) {
            throw CertificateError("\(name) is not valid yet: it becomes valid at \(UTCTimestamp.string(certificate.notValidBefore))")
        }
        if certificate.notValidAfter <= now {
            throw CertificateError("\(name) has expired: it was valid until \(UTCTimestamp.string(certificate.notValidAfter))")
        }
    }

    /// Whether the first certificate of `chain` is one of `authorities`, or signed by one, directly or through the
    /// certificates after it in the chain (at most a few intermediates).
    static func chainsUp(_ chain: [Certificate], to authorities: [Certificate]) -> Bool {
        guard var current = chain.first else { return false }
        for _ in 0..<5 {
            if authorities.contains(current) { return true }
            if authorities.contains(where: { $0.subject == current.issuer && $0.publicKey.isValidSignature(current.signature, for: current) }) { return true }
            guard let next = chain.dropFirst().first(where: { $0.subject == current.issuer && $0.publicKey.isValidSignature(current.signature, for: current) }),
                next != current
            else { return false }
            current = next
        }
        return false
    }

    /// Writes a Link's Secret into `runtime/certs/<secret>-profile/`, where its sslProfile points.
    @discardableResult
    public func writeLinkProfile(secretName: String, secret: SecretSpec) throws -> Bool {
        let directory = try layout.child(layout.certificates, SitePlan.linkProfile(secretName))
        try PrivateDirectory.create(directory)
        var changed = false
        // Only the files an sslProfile names: other keys of the Secret never become files.
        for (key, value) in secret.data.sorted(by: { $0.key < $1.key }) where Self.profileFiles.contains(key) {
            let mode: mode_t = key.hasSuffix(".key") ? 0o600 : 0o644
            if try AtomicFile.write(value, to: directory.appendingPathComponent(key), mode: mode) { changed = true }
        }
        return changed
    }

    /// The files of a credentials directory.
    static let profileFiles: Set<String> = [TLSCredentials.certificateFile, TLSCredentials.privateKeyFile, TLSCredentials.caFile]

    /// The CA of a given name, as stored under `runtime/issuers/`.
    public func authority(_ name: String) throws -> CertificateAuthority {
        guard let stored = TLSCredentials.load(from: try layout.child(layout.issuers, name)) else {
            throw CertificateError("CA \(name) not found under \(layout.issuers.path)")
        }
        return try CertificateAuthority(certificatePEM: stored.certificatePEM, privateKeyPEM: stored.privateKeyPEM)
    }

    /// The common name in a certificate's subject, however it is encoded.
    static func commonName(_ certificate: Certificate) -> String? {
        for name in certificate.subject {
            for attribute in name where attribute.type == .RDNAttributeType.commonName { return String(attribute.value) }
        }
        return nil
    }

    /// Whether stored credentials still satisfy a request.
    func isCurrent(_ stored: TLSCredentials, for request: CertificateRequest, issuer: CertificateAuthority, now: Date) -> Bool {
        guard let certificate = try? Certificate(pemEncoded: stored.certificatePEM),
            let key = try? Certificate.PrivateKey(pemEncoded: stored.privateKeyPEM),
            key.publicKey == certificate.publicKey,
            // Compared as certificates: a CA's PEM text from openssl and as re-encoded here may differ in form.
            (try? Certificate(pemEncoded: stored.caPEM)) == issuer.certificate,
            issuer.signed(certificate),
            // Close to expiry is cause, unless the CA itself ends then: a new one could last no longer.
            certificate.notValidAfter > now.addingTimeInterval(renewBefore) || certificate.notValidAfter >= issuer.certificate.notValidAfter,
            Self.commonName(certificate) == request.commonName
        else { return false }
        let wanted = Set(CertificateAuthority.generalNames(request.hosts))
        let present = Set((try? certificate.extensions.subjectAlternativeNames).map { Array($0) } ?? [])
        return wanted == present
    }
}
