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

/// One resource read from the resource directory. A value, held in one shared box: the store, the plan's service
/// catalog and the statuses all hold the same resource, and a copy costs a pointer, not the whole spec.
public struct Resource: Sendable, Hashable {
    /// The fields, shared between copies until one of them changes (copy on write).
    private final class Storage: @unchecked Sendable {
        var apiVersion: String
        var metadata: ObjectMeta
        var spec: ResourceSpec
        var source: SourceLocation?

        init(apiVersion: String, metadata: ObjectMeta, spec: ResourceSpec, source: SourceLocation?) {
            self.apiVersion = apiVersion
            self.metadata = metadata
            self.spec = spec
            self.source = source
        }

        func copy() -> Storage { Storage(apiVersion: apiVersion, metadata: metadata, spec: spec, source: source) }
    }

    private var storage: Storage

    public init(apiVersion: String? = nil, metadata: ObjectMeta, spec: ResourceSpec, source: SourceLocation? = nil) {
        storage = Storage(apiVersion: apiVersion ?? spec.kind.apiVersion, metadata: metadata, spec: spec, source: source)
    }

    /// The storage, made this value's own before a change.
    private var unique: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    public var apiVersion: String {
        get { storage.apiVersion }
        set { unique.apiVersion = newValue }
    }
    public var metadata: ObjectMeta {
        get { storage.metadata }
        set { unique.metadata = newValue }
    }
    public var spec: ResourceSpec {
        get { storage.spec }
        set { unique.spec = newValue }
    }
    /// Where it was read from (not part of its identity or equality).
    public var source: SourceLocation? {
        get { storage.source }
        set { unique.source = newValue }
    }

    public var kind: ResourceKind { spec.kind }
    public var name: String { metadata.name }
    public var id: ResourceID { ResourceID(kind, metadata.name) }

    /// Equality ignores `source`, so moving a resource between files is not a change.
    public static func == (lhs: Resource, rhs: Resource) -> Bool {
        lhs.storage === rhs.storage || (lhs.apiVersion == rhs.apiVersion && lhs.metadata == rhs.metadata && lhs.spec == rhs.spec)
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
