/// A certificate the site needs: a CA under `runtime/issuers/`, or a leaf under `runtime/certs/` signed by `issuer`.
public struct CertificateRequest: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A self-signed certificate authority.
        case authority
        /// A leaf usable for TLS server and client authentication (as Skupper issues them).
        case leaf
    }

    public var name: String
    public var kind: Kind
    public var commonName: String
    public var hosts: [String]
    /// The CA that signs a leaf.
    public var issuer: String?

    public init(name: String, kind: Kind, commonName: String, hosts: [String] = [], issuer: String? = nil) {
        self.name = name
        self.kind = kind
        self.commonName = commonName
        self.hosts = hosts
        self.issuer = issuer
    }

    /// A self-signed CA named after itself.
    public static func authority(_ name: String) -> CertificateRequest {
        CertificateRequest(name: name, kind: .authority, commonName: name)
    }
}

extension CertificateRequest {
    /// Where a certificate is kept: `runtime/issuers/<name>` for a CA, `runtime/certs/<name>` for a leaf (a CA and a
    /// leaf may share a name).
    public struct Location: Sendable, Hashable {
        public var kind: Kind
        public var name: String

        public init(kind: Kind, name: String) {
            self.kind = kind
            self.name = name
        }
    }

    /// Where this certificate is kept.
    public var location: Location { Location(kind: kind, name: name) }
}
