/// A Site: the router and its settings for one namespace.
public struct SiteSpec: Sendable, Hashable {
    /// Link access ("default", "none", ...); anything but empty/"none" enables link access.
    public var linkAccess: String?
    /// Run the router in edge mode.
    public var edge: Bool
    /// High availability (Kubernetes only; accepted and ignored here).
    public var ha: Bool
    /// The issuer (a CA Secret name) for certificates; default `skupper-site-ca`.
    public var defaultIssuer: String?
    /// Service account (Kubernetes only; accepted and ignored here).
    public var serviceAccount: String?
    /// Free-form settings (router image, logging, ...).
    public var settings: [String: String]

    public init(
        linkAccess: String? = nil, edge: Bool = false, ha: Bool = false, defaultIssuer: String? = nil,
        serviceAccount: String? = nil, settings: [String: String] = [:]
    ) {
        self.linkAccess = linkAccess
        self.edge = edge
        self.ha = ha
        self.defaultIssuer = defaultIssuer
        self.serviceAccount = serviceAccount
        self.settings = settings
    }

    /// Whether the site accepts incoming links.
    public var linkAccessEnabled: Bool {
        guard let linkAccess, !linkAccess.isEmpty else { return false }
        return linkAccess != "none"
    }

    /// The CA Secret that signs this site's link certificates.
    public var issuer: String { defaultIssuer.flatMap { $0.isEmpty ? nil : $0 } ?? "skupper-site-ca" }

    init(reading spec: FieldReader) throws {
        self.linkAccess = try spec.string("linkAccess")
        self.edge = try spec.bool("edge") ?? false
        self.ha = try spec.bool("ha") ?? false
        if edge && ha { throw spec.error("ha", "an edge site cannot have HA enabled") }
        self.defaultIssuer = try spec.resourceName("defaultIssuer")
        self.serviceAccount = try spec.string("serviceAccount")
        self.settings = try spec.stringMap("settings")
        if let logging = settings[RouterLogging.setting] {
            do throws(RouterLoggingError) {
                _ = try RouterLogging(parsing: logging)
            } catch {
                throw try spec.mapping("settings")?.error(RouterLogging.setting, error.description) ?? spec.error("settings", error.description)
            }
        }
        if let revisions = settings[Self.tlsPriorValidRevisionsSetting], UInt32(revisions) == nil {
            throw try spec.mapping("settings")?.error(
                Self.tlsPriorValidRevisionsSetting, "\"\(revisions)\" is not a number of revisions: expected a whole number (0 or more, default 2)")
                ?? spec.error("settings", "tls-prior-valid-revisions is not a whole number")
        }
    }

    /// Skupper v2's setting: how many earlier revisions of an sslProfile's credentials keep their connections
    /// after a rotation (older ones are closed).
    public static let tlsPriorValidRevisionsSetting = "tls-prior-valid-revisions"

    /// `settings.tls-prior-valid-revisions`, else 2 (v2's default).
    public var tlsPriorValidRevisions: Int {
        settings[Self.tlsPriorValidRevisionsSetting].flatMap { UInt32($0) }.map(Int.init) ?? 2
    }

    /// What the router logs (`settings.router-logging`, else ROUTER_CORE errors).
    public var routerLogging: RouterLogging {
        settings[RouterLogging.setting].flatMap { try? RouterLogging(parsing: $0) } ?? .standard
    }
}

extension SiteSpec: KindSpec {
    public static let kind = ResourceKind.site

    /// The document's body as Skupper v2 writes it: `spec`, leaving out fields that hold their defaults.
    public func encodedBody() -> [(YAMLNode, YAMLNode)] {
        var fields = ResourceEncoder.Fields()
        fields.add("linkAccess", self.linkAccess)
        fields.add("edge", self.edge, unless: false)
        fields.add("ha", self.ha, unless: false)
        fields.add("defaultIssuer", self.defaultIssuer)
        fields.add("serviceAccount", self.serviceAccount)
        fields.add("settings", self.settings)
        return [(YAMLNode("spec"), YAMLNode.map(fields.pairs))]
    }
}
