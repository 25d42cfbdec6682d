/// The spec type of one kind: how it is found in a `ResourceSpec` and how it is written back, beside how it is
/// read (each kind's `init(from:)` in its own file).
public protocol KindSpec: Sendable, Hashable {
    /// The kind whose spec this is.
    static var kind: ResourceKind { get }
    /// The document after `metadata`, as Skupper v2 writes it.
    func encodedBody() -> [(YAMLNode, YAMLNode)]
}

extension KindSpec {
    /// The spec when `spec` is of this kind.
    public init?(_ spec: ResourceSpec) {
        guard let typed = spec.kindSpec as? Self else { return nil }
        self = typed
    }
}

/// A resource whose kind is known, with its spec at hand: no force-unwrapping of `resource.link!`.
public struct TypedResource<Spec: KindSpec>: Sendable, Hashable {
    public var resource: Resource
    public var spec: Spec

    /// The resource viewed as `Spec`'s kind; nil when it is of another kind.
    public init?(_ resource: Resource) {
        guard let spec = Spec(resource.spec) else { return nil }
        self.resource = resource
        self.spec = spec
    }

    public var name: String { resource.name }
    public var id: ResourceID { resource.id }
    public var source: SourceLocation? { resource.source }
}

extension ResourceSpec {
    /// The spec as its kind's type, for what every kind does alike.
    public var kindSpec: any KindSpec {
        switch self {
        case .site(let spec): spec
        case .listener(let spec): spec
        case .connector(let spec): spec
        case .multiKeyListener(let spec): spec
        case .link(let spec): spec
        case .routerAccess(let spec): spec
        case .certificate(let spec): spec
        case .securedAccess(let spec): spec
        case .accessGrant(let spec): spec
        case .accessToken(let spec): spec
        case .tokenRequest(let spec): spec
        case .secret(let spec): spec
        }
    }
}
