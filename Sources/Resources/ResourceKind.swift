/// The kinds of resource a site reads from its resource directory.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case site = "Site"
    case listener = "Listener"
    case connector = "Connector"
    case multiKeyListener = "MultiKeyListener"
    case link = "Link"
    case routerAccess = "RouterAccess"
    case certificate = "Certificate"
    case securedAccess = "SecuredAccess"
    case accessGrant = "AccessGrant"
    case accessToken = "AccessToken"
    case tokenRequest = "TokenRequest"
    case secret = "Secret"

    /// The apiVersion Skupper v2 writes for this kind (a TokenRequest keeps the Kyma API group its reference page gives).
    public var apiVersion: String {
        switch self {
        case .secret: return "v1"
        case .tokenRequest: return "applicationconnector.kyma-project.io/v1alpha1"
        default: return "skupper.io/v2alpha1"
        }
    }

    /// apiVersions accepted when reading this kind.
    public var acceptedAPIVersions: Set<String> {
        switch self {
        case .secret: return ["v1"]
        case .tokenRequest: return ["skupper.io/v2alpha1", "skupper.io/v1alpha1", "applicationconnector.kyma-project.io/v1alpha1"]
        default: return ["skupper.io/v2alpha1", "skupper.io/v1alpha1"]
        }
    }

    /// Lower-case name used by the CLI and in status file names ("routeraccess").
    public var lowercased: String { rawValue.lowercased() }

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A resource's identity within a namespace: its kind and name.
public struct ResourceID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var kind: ResourceKind
    public var name: String

    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool {
        (lhs.kind, lhs.name) < (rhs.kind, rhs.name)
    }
}
