import FoundationEssentials
import Grants
import Resources

/// How the statuses of AccessGrants and TokenRequests are decided from their ledger records: what the grant
/// server would answer now, in Skupper v2's words. Pure: the access controller calls it after every change and
/// after every redemption, for the one grant that changed.
struct GrantStatuses {
    /// Why grants cannot be served, if they cannot.
    var blocker: GrantBlocker?
    /// The URL of a grant, from its record.
    var url: (GrantRecord) -> String
    /// The grant server's CA certificate (PEM), which token holders verify the server with.
    var ca: String
    var now: Date

    /// The status of an AccessGrant.
    func grant(_ id: ResourceID, _ record: GrantRecord?) -> ResourceStatus {
        if let blocker { return .error(blocker.description, reason: blocker.reason) }
        guard let record else { return .error("grant state unavailable") }
        var fields: [StatusField] = [
            StatusField(StatusKey.url, .string(url(record))),
            StatusField(StatusKey.ca, .string(ca)),
            StatusField(StatusKey.code, .string(record.code)),
            StatusField("expirationTime", .string(StatusDocument.timestamp(record.expirationTime))),
            StatusField(StatusKey.redemptions, .int(record.redemptions)),
            StatusField("redemptionsAllowed", .int(record.redemptionsAllowed)),
        ]
        if record.isExpired(at: now) {
            return .error("the grant expired at \(StatusDocument.timestamp(record.expirationTime))", fields: fields)
        }
        if record.isExhausted {
            return .error("all \(record.redemptionsAllowed) redemption\(record.redemptionsAllowed == 1 ? "" : "s") used", fields: fields)
        }
        fields.removeAll { $0.key == "redemptionsAllowed" }
        return .ready(fields: fields)
    }

    /// The status of a TokenRequest (the Kyma controller's fields: application, state, token, url, ca, expireAfter).
    func tokenRequest(_ name: String, _ record: GrantRecord?) -> ResourceStatus {
        let base = [StatusField("application", .string(name))]
        guard let record, blocker == nil else {
            return .error(
                blocker?.description ?? "grant state unavailable", reason: blocker?.reason ?? "Error", fields: base + [StatusField("state", .string("ERR"))])
        }
        var fields = base + [StatusField("expireAfter", .string(StatusDocument.timestamp(record.expirationTime)))]
        if record.isExpired(at: now) {
            fields.append(StatusField("state", .string("ERR")))
            return .error("the token expired at \(StatusDocument.timestamp(record.expirationTime))", fields: fields)
        }
        fields += [
            StatusField("state", .string("OK")), StatusField("token", .string(record.code)),
            StatusField(StatusKey.url, .string(url(record))), StatusField(StatusKey.ca, .string(ca)),
        ]
        return .ready(fields: fields)
    }
}

/// Why a site cannot serve grants.
enum GrantBlocker: Equatable, CustomStringConvertible {
    case noSite
    case edge
    case noLinkAccess
    case disabled
    /// The grant server cannot listen (the message says why).
    case server(String)

    /// The blocker of a site, if it has one (the server's own error comes later, when it tries to listen).
    static func of(_ plan: SitePlan, enabled: Bool) -> GrantBlocker? {
        if plan.site == nil { return .noSite }
        if plan.routerMode == .edge { return .edge }
        if !plan.linkAccessEnabled { return .noLinkAccess }
        if !enabled { return .disabled }
        return nil
    }

    var description: String {
        switch self {
        case .noSite: "no Site is defined in this namespace"
        case .edge: "Edge sites cannot accept incoming links from remote sites"
        case .noLinkAccess: "Link access is not enabled: use \"skupper site update --enable-link-access\" to enable it"
        case .disabled: "the grant server is disabled (skupperd --disable-grants)"
        case .server(let message): message
        }
    }

    /// The status reason programs act on.
    var reason: String { self == .noLinkAccess ? StatusReason.linkAccessDisabled : "Error" }
}
