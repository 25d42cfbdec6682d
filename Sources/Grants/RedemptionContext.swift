import Certificates
import Resources

/// What the grant server needs to answer a redemption: the CA that signs the client certificate and the
/// endpoints remote sites link to. The agent replaces it whenever the site changes.
public struct RedemptionContext: Sendable {
    public var siteName: String
    /// Edge sites cannot accept links.
    public var edge: Bool
    /// The CA whose certificates this site's router accesses trust (the site's default issuer).
    public var issuer: CertificateAuthority
    /// Link endpoints by group (one Link per group), roles "inter-router" and "edge".
    public var endpoints: [LinkSpec.Endpoint]

    public init(siteName: String, edge: Bool, issuer: CertificateAuthority, endpoints: [LinkSpec.Endpoint]) {
        self.siteName = siteName
        self.edge = edge
        self.issuer = issuer
        self.endpoints = endpoints
    }

    /// The response to a successful redemption: a `kubernetes.io/tls` Secret with a fresh client certificate,
    /// then one Link per endpoint group, as a `---`-separated YAML stream (what Skupper v2's grant server sends).
    public func response(name: String, subject: String?) throws(RedemptionFailure) -> String {
        if edge { throw RedemptionFailure(500, "Edge sites cannot accept incoming links from remote sites") }
        guard !endpoints.isEmpty else { throw RedemptionFailure(500, "No valid endpoints found for site") }
        var groups: [String] = []
        for endpoint in endpoints where !groups.contains(endpoint.group ?? "") { groups.append(endpoint.group ?? "") }
        let linkNames = groups.indices.map { groups.count == 1 ? name : "\(name)-\($0 + 1)" }
        // Links named from a label stay labels (what sites outside Kubernetes load); a DNS subdomain may be longer.
        let labelsOnly = ObjectMeta.isValidLabel(name)
        guard ObjectMeta.isValidName(name) else { throw .invalidName(name) }
        if let bad = linkNames.first(where: { labelsOnly ? !ObjectMeta.isValidLabel($0) : !ObjectMeta.isValidName($0) }) {
            throw RedemptionFailure(400, "Invalid name \"\(name)\": the Link name made from it, \"\(bad)\", is longer than a name may be")
        }
        let hosts = endpoints.reduce(into: [String]()) { if !$0.contains($1.host) { $0.append($1.host) } }
        let credentials: TLSCredentials
        do {
            credentials = try issuer.issue(commonName: subject.flatMap { $0.isEmpty ? nil : $0 } ?? name, hosts: hosts, usage: .serverAndClient)
        } catch {
            throw RedemptionFailure(500, "Could not generate certificate: \(error)")
        }
        var resources = [Resource(metadata: ObjectMeta(name: name), spec: .secret(SecretSpec(type: "kubernetes.io/tls", data: credentials.secretData)))]
        for (group, linkName) in zip(groups, linkNames) {
            let spec = LinkSpec(endpoints: endpoints.filter { ($0.group ?? "") == group }, tlsCredentials: name)
            resources.append(Resource(metadata: ObjectMeta(name: linkName), spec: .link(spec)))
        }
        return ResourceEncoder.fastYAML(resources)
    }
}
