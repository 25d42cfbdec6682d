/// A Certificate: credentials the site generates on request. A signing certificate is a CA, kept under
/// `runtime/issuers/<name>/`; any other is a leaf signed by the CA `ca` names, kept under `runtime/certs/<name>/`,
/// where listeners, connectors and router accesses find it by naming it as their `tlsCredentials`.
public struct CertificateSpec: Sendable, Hashable {
    /// The CA that signs a leaf: a signing Certificate, one of the site's CAs, or a Secret holding a CA.
    public var ca: String?
    /// The certificate's common name.
    public var subject: String
    /// Host names and IP addresses the certificate is for (its subject alternative names).
    public var hosts: [String]
    public var client: Bool
    public var server: Bool
    /// A certificate authority rather than a leaf.
    public var signing: Bool
    public var settings: [String: String]

    public init(
        ca: String?, subject: String, hosts: [String] = [], client: Bool = false, server: Bool = false, signing: Bool = false,
        settings: [String: String] = [:]
    ) {
        self.ca = ca
        self.subject = subject
        self.hosts = hosts
        self.client = client
        self.server = server
        self.signing = signing
        self.settings = settings
    }

    /// The longest common name X.509 allows (ub-common-name).
    public static let maximumSubjectLength = 64

    init(reading spec: FieldReader) throws {
        self.subject = try spec.requiredString("subject")
        guard subject.count <= Self.maximumSubjectLength else {
            throw spec.error("subject", "is longer than the \(Self.maximumSubjectLength) characters a certificate's common name may have")
        }
        self.signing = try spec.bool("signing") ?? false
        self.client = try spec.bool("client") ?? false
        self.server = try spec.bool("server") ?? false
        self.ca = try spec.resourceName("ca")
        if ca == nil && !signing {
            throw spec.error("ca", "is required unless signing is true: a server or client certificate is signed by a CA")
        }
        self.hosts = try spec.strings("hosts")
        for (index, host) in hosts.enumerated() where !Self.isValidHost(host) {
            throw spec.error("hosts", index: index, "invalid host \(host.isEmpty ? "(empty)" : host) - a valid IP address or hostname is expected")
        }
        self.settings = try spec.stringMap("settings")
    }

    /// A host name, an IP address, or a wildcard name (`*.example.com`).
    static func isValidHost(_ host: String) -> Bool {
        HostName.isValid(host.hasPrefix("*.") ? String(host.dropFirst(2)) : host)
    }
}

extension CertificateSpec: KindSpec {
    public static let kind = ResourceKind.certificate

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        fields.add("ca", self.ca)
        fields.add("subject", self.subject)
        if !hosts.isEmpty { fields.add("hosts", YAMLNode.list(hosts.map { YAMLNode($0) })) }
        fields.add("client", self.client, unless: false)
        fields.add("server", self.server, unless: false)
        fields.add("signing", self.signing, unless: false)
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
