/// The spec of a resource, by kind.
public enum ResourceSpec: Sendable, Hashable {
    case site(SiteSpec)
    case listener(ListenerSpec)
    case connector(ConnectorSpec)
    case multiKeyListener(MultiKeyListenerSpec)
    case link(LinkSpec)
    case routerAccess(RouterAccessSpec)
    case certificate(CertificateSpec)
    case securedAccess(SecuredAccessSpec)
    case accessGrant(AccessGrantSpec)
    case accessToken(AccessTokenSpec)
    case tokenRequest(TokenRequestSpec)
    case secret(SecretSpec)

    /// The kind this spec belongs to.
    public var kind: ResourceKind {
        switch self {
        case .site: .site
        case .listener: .listener
        case .connector: .connector
        case .multiKeyListener: .multiKeyListener
        case .link: .link
        case .routerAccess: .routerAccess
        case .certificate: .certificate
        case .securedAccess: .securedAccess
        case .accessGrant: .accessGrant
        case .accessToken: .accessToken
        case .tokenRequest: .tokenRequest
        case .secret: .secret
        }
    }
}

/// One resource read from the resource directory.
public struct Resource: Sendable, Hashable {
    public var apiVersion: String
    public var metadata: ObjectMeta
    public var spec: ResourceSpec
    /// Where it was read from (not part of its identity or equality).
    public var source: SourceLocation?

    public init(apiVersion: String? = nil, metadata: ObjectMeta, spec: ResourceSpec, source: SourceLocation? = nil) {
        self.apiVersion = apiVersion ?? spec.kind.apiVersion
        self.metadata = metadata
        self.spec = spec
        self.source = source
    }

    public var kind: ResourceKind { spec.kind }
    public var name: String { metadata.name }
    public var id: ResourceID { ResourceID(kind, metadata.name) }

    /// Equality ignores `source`, so moving a resource between files is not a change.
    public static func == (lhs: Resource, rhs: Resource) -> Bool {
        lhs.apiVersion == rhs.apiVersion && lhs.metadata == rhs.metadata && lhs.spec == rhs.spec
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(apiVersion)
        hasher.combine(metadata)
        hasher.combine(spec)
    }
}

extension Resource {
    /// Typed accessors, nil when the resource is of another kind.
    public var site: SiteSpec? { if case .site(let s) = spec { s } else { nil } }
    public var listener: ListenerSpec? { if case .listener(let s) = spec { s } else { nil } }
    public var connector: ConnectorSpec? { if case .connector(let s) = spec { s } else { nil } }
    public var multiKeyListener: MultiKeyListenerSpec? { if case .multiKeyListener(let s) = spec { s } else { nil } }
    public var link: LinkSpec? { if case .link(let s) = spec { s } else { nil } }
    public var routerAccess: RouterAccessSpec? { if case .routerAccess(let s) = spec { s } else { nil } }
    public var certificate: CertificateSpec? { if case .certificate(let s) = spec { s } else { nil } }
    public var securedAccess: SecuredAccessSpec? { if case .securedAccess(let s) = spec { s } else { nil } }
    public var accessGrant: AccessGrantSpec? { if case .accessGrant(let s) = spec { s } else { nil } }
    public var accessToken: AccessTokenSpec? { if case .accessToken(let s) = spec { s } else { nil } }
    public var tokenRequest: TokenRequestSpec? { if case .tokenRequest(let s) = spec { s } else { nil } }
    public var secret: SecretSpec? { if case .secret(let s) = spec { s } else { nil } }
}
