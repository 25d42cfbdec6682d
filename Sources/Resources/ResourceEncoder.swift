import Foundation
import Yams

/// Writes resources as the YAML Skupper v2 reads: apiVersion, kind, metadata, then spec (or data for
/// Secrets), leaving out fields that hold their defaults.
public enum ResourceEncoder {
    /// One resource as a YAML document (without the leading `---`).
    public static func yaml(_ resource: Resource) -> String {
        (try? Yams.serialize(node: node(resource))) ?? ""
    }

    /// Several resources as a multi-document YAML stream, each document starting with `---`.
    public static func yaml(_ resources: [Resource]) -> String {
        resources.map { "---\n" + yaml($0) }.joined()
    }

    /// The YAML node of a resource.
    public static func node(_ resource: Resource) -> Node {
        var metadata: [(Node, Node)] = [(Node("name"), Node(resource.name))]
        if let namespace = resource.metadata.namespace { metadata.append((Node("namespace"), Node(namespace))) }
        if !resource.metadata.labels.isEmpty { metadata.append((Node("labels"), map(resource.metadata.labels))) }
        if !resource.metadata.annotations.isEmpty { metadata.append((Node("annotations"), map(resource.metadata.annotations))) }
        var root: [(Node, Node)] = [
            (Node("apiVersion"), Node(resource.apiVersion)),
            (Node("kind"), Node(resource.kind.rawValue)),
            (Node("metadata"), .mapping(.init(metadata))),
        ]
        switch resource.spec {
        case .secret(let secret):
            if let type = secret.type { root.append((Node("type"), Node(type))) }
            let data = secret.data.sorted { $0.key < $1.key }.map { (Node($0.key), Node($0.value.base64EncodedString())) }
            root.append((Node("data"), .mapping(.init(data))))
        case .tokenRequest(let request):
            var context: [(Node, Node)] = []
            if let tenant = request.tenant { context.append((Node("tenant"), Node(tenant))) }
            if let group = request.group { context.append((Node("group"), Node(group))) }
            if !context.isEmpty { root.append((Node("context"), .mapping(.init(context)))) }
            if request.expirationWindow != AccessGrantSpec.defaultExpirationWindow {
                root.append((Node("spec"), .mapping(.init([(Node("expirationWindow"), Node(request.expirationWindow.description))]))))
            }
        default:
            root.append((Node("spec"), .mapping(.init(spec(resource.spec)))))
        }
        return .mapping(.init(root))
    }

    static func spec(_ spec: ResourceSpec) -> [(Node, Node)] {
        var fields = Fields()
        switch spec {
        case .site(let s):
            fields.add("linkAccess", s.linkAccess)
            fields.add("edge", s.edge, unless: false)
            fields.add("ha", s.ha, unless: false)
            fields.add("defaultIssuer", s.defaultIssuer)
            fields.add("serviceAccount", s.serviceAccount)
            fields.add("settings", s.settings)
        case .listener(let s):
            fields.add("routingKey", s.routingKey)
            fields.add("host", s.host)
            fields.add("port", s.port)
            fields.add("tlsCredentials", s.tlsCredentials)
            fields.add("type", s.type, unless: "tcp")
            fields.add("observer", s.observer)
            fields.add("exposePodsByName", s.exposePodsByName, unless: false)
            fields.add("settings", s.settings)
        case .connector(let s):
            fields.add("routingKey", s.routingKey)
            fields.add("host", s.host)
            fields.add("port", s.port)
            fields.add("selector", s.selector)
            fields.add("tlsCredentials", s.tlsCredentials)
            fields.add("useClientCert", s.useClientCert, unless: false)
            fields.add("verifyHostname", s.verifyHostname, unless: false)
            fields.add("type", s.type, unless: "tcp")
            fields.add("includeNotReadyPods", s.includeNotReadyPods, unless: false)
            fields.add("exposePodsByName", s.exposePodsByName, unless: false)
            fields.add("settings", s.settings)
        case .link(let s):
            let endpoints = s.endpoints.map { endpoint -> Node in
                var e = Fields()
                e.add("name", endpoint.name)
                e.add("host", endpoint.host)
                e.add("port", Node(endpoint.port, Tag(.str), .doubleQuoted))
                e.add("group", endpoint.group)
                return .mapping(.init(e.pairs))
            }
            fields.add("endpoints", Node.sequence(.init(endpoints)))
            fields.add("tlsCredentials", s.tlsCredentials)
            fields.add("cost", s.cost, unless: 1)
            fields.add("noClientAuth", s.noClientAuth, unless: false)
            fields.add("settings", s.settings)
        case .routerAccess(let s):
            let roles = s.roles.map { role -> Node in .mapping(.init([(Node("name"), Node(role.name)), (Node("port"), Node(String(role.port), Tag(.int)))])) }
            fields.add("roles", Node.sequence(.init(roles)))
            fields.add("tlsCredentials", s.tlsCredentials)
            fields.add("issuer", s.issuer)
            fields.add("accessType", s.accessType)
            fields.add("generateTlsCredentials", s.generateTlsCredentials, unless: true)
            fields.add("bindHost", s.bindHost)
            if !s.subjectAlternativeNames.isEmpty { fields.add("subjectAlternativeNames", Node.sequence(.init(s.subjectAlternativeNames.map { Node($0) }))) }
            fields.add("settings", s.settings)
        case .accessGrant(let s):
            fields.add("redemptionsAllowed", s.redemptionsAllowed)
            fields.add("expirationWindow", s.expirationWindow.description)
            fields.add("code", s.code)
            fields.add("issuer", s.issuer)
            fields.add("settings", s.settings)
        case .accessToken(let s):
            fields.add("url", s.url)
            fields.add("code", s.code)
            fields.add("ca", Node(s.ca, Tag(.str), .literal))
            if let cost = s.linkCost { fields.add("linkCost", cost) }
            fields.add("linkName", s.linkName)
            fields.add("settings", s.settings)
        case .secret, .tokenRequest:
            break
        }
        return fields.pairs
    }

    static func map(_ values: [String: String]) -> Node {
        .mapping(.init(values.sorted { $0.key < $1.key }.map { (Node($0.key), Node($0.value, Tag(.str), .doubleQuoted)) }))
    }

    /// Collects fields in order, leaving out absent and default values.
    struct Fields {
        var pairs: [(Node, Node)] = []

        mutating func add(_ key: String, _ value: Node) { pairs.append((Node(key), value)) }
        mutating func add(_ key: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            pairs.append((Node(key), Node(value)))
        }
        mutating func add(_ key: String, _ value: String, unless fallback: String) {
            if value != fallback { add(key, value) }
        }
        mutating func add(_ key: String, _ value: Int) { pairs.append((Node(key), Node(String(value), Tag(.int)))) }
        mutating func add(_ key: String, _ value: Int, unless fallback: Int) { if value != fallback { add(key, value) } }
        mutating func add(_ key: String, _ value: Bool, unless fallback: Bool) {
            if value != fallback { pairs.append((Node(key), Node(value ? "true" : "false", Tag(.bool)))) }
        }
        mutating func add(_ key: String, _ value: [String: String]) {
            if !value.isEmpty { pairs.append((Node(key), ResourceEncoder.map(value))) }
        }
    }
}
