/// When the router image is pulled from a registry (`SKUPPER_ROUTER_IMAGE_PULL_POLICY`, as in Skupper v2).
public enum ImagePullPolicy: String, Sendable, Hashable {
    /// Pull before every container (re)creation.
    case always = "Always"
    /// Pull only when the image is not present locally (the default).
    case ifNotPresent = "IfNotPresent"
    /// Never pull: the image must be loaded locally.
    case never = "Never"

    /// The policy named in `SKUPPER_ROUTER_IMAGE_PULL_POLICY` (case-insensitive), else ``ifNotPresent``.
    public static func from(environment: [String: String]) -> ImagePullPolicy {
        guard let value = environment["SKUPPER_ROUTER_IMAGE_PULL_POLICY"]?.lowercased(), !value.isEmpty else { return .ifNotPresent }
        return [ImagePullPolicy.always, .ifNotPresent, .never].first { $0.rawValue.lowercased() == value } ?? .ifNotPresent
    }
}
