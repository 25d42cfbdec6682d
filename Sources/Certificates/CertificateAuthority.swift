import Crypto
import FoundationEssentials
import SwiftASN1
import X509
import _CryptoExtras

/// A certificate authority: a self-signed CA certificate and its key, able to issue server and client certificates.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    public let privateKey: Certificate.PrivateKey

    /// What an issued certificate is for.
    public enum Usage: Sendable {
        case server
        case client
        case serverAndClient
    }

    /// Validity of a new CA, and of certificates it issues unless told otherwise (5 years, as Skupper's defaults).
    public static let defaultValidity: TimeInterval = 5 * 365 * 24 * 3600

    public init(certificate: Certificate, privateKey: Certificate.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Creates a new CA with a fresh P-256 key.
    public static func generate(commonName: String, validity: TimeInterval = defaultValidity, now: Date = Date()) throws -> CertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CommonName(commonName) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: key.publicKey)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(validity),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: key)
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Loads a CA from PEM text (certificate and key).
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        do {
            self.certificate = try Certificate(pemEncoded: certificatePEM)
            self.privateKey = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        } catch {
            throw CertificateError("invalid CA certificate or key: \(error)")
        }
        guard privateKey.publicKey == certificate.publicKey else {
            throw CertificateError("the CA private key does not match its certificate")
        }
        guard
            (try? certificate.extensions.basicConstraints) == .isCertificateAuthority(maxPathLength: nil)
                || { if case .isCertificateAuthority = try? certificate.extensions.basicConstraints { true } else { false } }()
        else {
            throw CertificateError("the certificate is not a CA certificate")
        }
    }

    /// The CA certificate as PEM.
    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
    /// The CA key as PEM (PKCS#8).
    public var privateKeyPEM: String { (try? privateKey.serializeAsPEM().pemString) ?? "" }

    /// The CA's own credentials (certificate, key, and itself as ca.crt).
    public var credentials: TLSCredentials {
        TLSCredentials(certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, caPEM: certificatePEM)
    }

    /// Issues a certificate for `commonName` with the given host names and IP addresses as subject alternative names.
    /// The certificate's key is of the CA's own kind (RSA of at least 2048 bits under an RSA CA, as Skupper v2 and
    /// openssl make them; P-256 otherwise), and it is signed with the CA key's own algorithm.
    public func issue(
        commonName: String, hosts: [String] = [], usage: Usage, validity: TimeInterval = defaultValidity,
        now: Date = Date()
    ) throws -> TLSCredentials {
        let key = try Self.leafKey(under: certificate.publicKey)
        let subject = try DistinguishedName { CommonName(commonName) }
        let names = Self.generalNames(hosts)
        let issuerKeyID = (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            switch usage {
            case .server: try ExtendedKeyUsage([.serverAuth])
            case .client: try ExtendedKeyUsage([.clientAuth])
            case .serverAndClient: try ExtendedKeyUsage([.serverAuth, .clientAuth])
            }
            SubjectKeyIdentifier(hash: key.publicKey)
            if let issuerKeyID { AuthorityKeyIdentifier(keyIdentifier: issuerKeyID) }
            if !names.isEmpty { SubjectAlternativeNames(names) }
        }
        let issued = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: min(now.addingTimeInterval(validity), certificate.notValidAfter),
            issuer: certificate.subject, subject: subject, extensions: extensions, issuerPrivateKey: privateKey)
        return TLSCredentials(
            certificatePEM: try issued.serializeAsPEM().pemString,
            privateKeyPEM: try key.serializeAsPEM().pemString, caPEM: certificatePEM)
    }

    /// A fresh key for a certificate this CA issues: RSA (the CA's size, 2048 bits at least) under an RSA CA, else P-256.
    static func leafKey(under issuerKey: Certificate.PublicKey) throws -> Certificate.PrivateKey {
        if let rsa = _RSA.Signing.PublicKey(issuerKey) {
            return Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .init(bitCount: max(2048, rsa.keySizeInBits))))
        }
        return Certificate.PrivateKey(P256.Signing.PrivateKey())
    }

    /// Whether `certificate` was signed by this CA.
    public func signed(_ other: Certificate) -> Bool {
        other.issuer == certificate.subject && certificate.publicKey.isValidSignature(other.signature, for: other)
    }

    /// Whether the PEM certificate was signed by this CA.
    public func signed(certificatePEM: String) -> Bool {
        guard let other = try? Certificate(pemEncoded: certificatePEM) else { return false }
        return signed(other)
    }

    /// Every host as a DNS name, and literal addresses also as IP addresses, as Skupper v2 writes them:
    /// skupper-router's TLS (Proton) matches a peer only against DNS names and the CN, never IP addresses
    /// (skupper-router issue 1778), while other clients (curl, Go, NIO) match addresses against IP addresses.
    static func generalNames(_ hosts: [String]) -> [GeneralName] {
        var seen = Set<String>()
        var names: [GeneralName] = []
        for host in hosts where !host.isEmpty && seen.insert(host).inserted {
            names.append(.dnsName(host))
            if let bytes = IPAddressBytes.parse(host) { names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...]))) }
        }
        return names
    }
}
