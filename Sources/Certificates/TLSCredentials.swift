import FoundationEssentials
import Resources
import SiteFiles

/// A certificate, its private key and the CA that vouches for it, as PEM text:
/// the `tls.crt`, `tls.key` and `ca.crt` of a Kubernetes TLS Secret.
public struct TLSCredentials: Sendable, Hashable {
    public var certificatePEM: String
    public var privateKeyPEM: String
    public var caPEM: String

    public init(certificatePEM: String, privateKeyPEM: String, caPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.caPEM = caPEM
    }

    /// The file names used in a credentials directory and a Secret's data.
    public static let certificateFile = "tls.crt"
    public static let privateKeyFile = "tls.key"
    public static let caFile = "ca.crt"

    /// Reads `tls.crt`, `tls.key` and `ca.crt` from a directory; nil when any is missing.
    public static func load(from directory: URL) -> TLSCredentials? {
        func read(_ name: String) -> String? { try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) }
        guard let cert = read(certificateFile), let key = read(privateKeyFile), let ca = read(caFile) else { return nil }
        return TLSCredentials(certificatePEM: cert, privateKeyPEM: key, caPEM: ca)
    }

    /// Writes the three files atomically; the key is 0600, the certificates 0644. `durable` flushes each to disk
    /// before it takes its name (see `AtomicFile.write`): what cannot be made again must be.
    public func write(to directory: URL, durable: Bool = true) throws {
        try PrivateDirectory.create(directory)
        try AtomicFile.write(caPEM, to: directory.appendingPathComponent(Self.caFile), mode: 0o644, durable: durable)
        try AtomicFile.write(privateKeyPEM, to: directory.appendingPathComponent(Self.privateKeyFile), mode: 0o600, durable: durable)
        try AtomicFile.write(certificatePEM, to: directory.appendingPathComponent(Self.certificateFile), mode: 0o644, durable: durable)
    }

    /// The contents as the data map of a Secret.
    public var secretData: [String: Data] {
        [Self.certificateFile: Data(certificatePEM.utf8), Self.privateKeyFile: Data(privateKeyPEM.utf8), Self.caFile: Data(caPEM.utf8)]
    }

    /// Credentials from a Secret's data map; nil unless it holds at least a certificate and key, or a CA alone.
    public init?(secretData data: [String: Data]) {
        func text(_ key: String) -> String? { data[key].flatMap { String(data: $0, encoding: .utf8) } }
        let cert = text(Self.certificateFile) ?? ""
        let key = text(Self.privateKeyFile) ?? ""
        let ca = text(Self.caFile) ?? ""
        guard (!cert.isEmpty && !key.isEmpty) || !ca.isEmpty else { return nil }
        self.init(certificatePEM: cert, privateKeyPEM: key, caPEM: ca)
    }
}

/// A certificate problem, in words.
public struct CertificateError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
