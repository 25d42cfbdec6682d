/// A RouterAccess as the router sees it: a user's, the one `linkAccess` implies, or the local management access.
public struct EffectiveRouterAccess: Sendable, Hashable {
    public var name: String
    /// Role name ("normal", "inter-router", "edge") and port.
    public var roles: [RouterAccessSpec.Role]
    public var bindHost: String?
    /// The certificate (under runtime/certs) the listeners present; also the sslProfile name.
    public var tlsCredentials: String
    public var issuer: String
    public var subjectAlternativeNames: [String]
    /// True when generated rather than written by the user.
    public var generated: Bool

    public init(
        name: String, roles: [RouterAccessSpec.Role], bindHost: String?, tlsCredentials: String, issuer: String,
        subjectAlternativeNames: [String], generated: Bool
    ) {
        self.name = name
        self.roles = roles
        self.bindHost = bindHost
        self.tlsCredentials = tlsCredentials
        self.issuer = issuer
        self.subjectAlternativeNames = subjectAlternativeNames
        self.generated = generated
    }

    /// Whether remote sites can link through it (it has an inter-router or edge role).
    public var acceptsLinks: Bool { roles.contains { RouterMode.isLinkRole($0.name) } }

    /// The host names and addresses its server certificate covers.
    public var certificateHosts: [String] {
        var hosts = subjectAlternativeNames
        if let bindHost, !bindHost.isEmpty, !hosts.contains(bindHost) { hosts.append(bindHost) }
        return hosts
    }
}
