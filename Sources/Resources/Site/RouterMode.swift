/// How the site's router takes part in the network, as skupper-router's `router.mode` names it.
public enum RouterMode: String, Sendable, Hashable {
    /// Accepts links from other sites and routes between them.
    case interior
    /// Links out to interior sites only.
    case edge

    /// The role of the connections this router makes to other sites (`inter-router` or `edge`).
    public var linkRole: String { self == .edge ? RouterMode.edgeRole : RouterMode.interRouterRole }

    /// The role name of the connections between interior routers.
    public static let interRouterRole = "inter-router"
    /// The role name of an edge router's connections to an interior one.
    public static let edgeRole = "edge"
    /// Whether a role name is one that links use (a RouterAccess role other sites connect to).
    public static func isLinkRole(_ name: String) -> Bool { name == interRouterRole || name == edgeRole }
}
