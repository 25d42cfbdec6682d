import Foundation
import Yams

/// The JSON in the ConfigMap's `data.NetworkStatus`: Skupper v2's `NetworkStatusInfo` (internal/network/types.go),
/// every field optional as Go's decoder leaves a missing one empty.
struct NetworkStatusInfo: Decodable {
    var addresses: [Address]?
    var siteStatus: [SiteStatus]?

    /// A routing key with its protocol and how many listeners and connectors the network has for it.
    struct Address: Decodable {
        var name: String?
        var `protocol`: String?
        var listenerCount: Int?
        var connectorCount: Int?
    }

    /// One site and its routers.
    struct SiteStatus: Decodable {
        var site: Site?
        var routerStatus: [RouterStatus]?
    }

    /// A site's identity and what it runs.
    struct Site: Decodable {
        var identity: String?
        var name: String?
        var namespace: String?
        var platform: String?
        var siteVersion: String?
    }

    /// One router with its links, access points, listeners and connectors.
    struct RouterStatus: Decodable {
        var router: Router?
        var links: [Link]?
        var routerAccess: [Access]?
        var listeners: [Listener]?
        var connectors: [Connector]?
    }

    /// A router's name (`0/<router id>`), mode and image.
    struct Router: Decodable {
        var name: String?
        var mode: String?
        var imageName: String?
        var imageVersion: String?
        var hostname: String?
    }

    /// A link a router made; `peer` is the identity of the access point it reached.
    struct Link: Decodable {
        var name: String?
        var linkCost: UInt64?
        var status: String?
        var role: String?
        var peer: String?
    }

    /// An access point of a router, which other routers' links reach.
    struct Access: Decodable {
        var identity: String?
    }

    /// A listener: where the service is offered on its site (what is read of it).
    struct Listener: Decodable {
        var name: String?
        var `protocol`: String?
        var address: String?
    }

    /// A connector: where the service's workload runs.
    struct Connector: Decodable {
        var destHost: String?
        var destPort: String?
        var address: String?
    }

    /// Why a network status file cannot be read.
    struct Invalid: Error {
        var reason: String
    }

    /// Reads the ConfigMap file's bytes: YAML with `data.NetworkStatus`, a string of JSON.
    static func parse(configMap data: Data) throws(Invalid) -> NetworkStatusInfo {
        guard let text = String(data: data, encoding: .utf8) else { throw Invalid(reason: "it is not UTF-8 text") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw Invalid(reason: "it is not YAML (\(first.prefix(200)))")
        }
        guard let root, case .mapping = root else { throw Invalid(reason: "it is not a ConfigMap (a YAML mapping)") }
        guard let value = root["data"]?["NetworkStatus"] else { throw Invalid(reason: "it has no data.NetworkStatus") }
        guard case .scalar(let scalar) = value else { throw Invalid(reason: "data.NetworkStatus is not a string") }
        do {
            return try JSONDecoder().decode(NetworkStatusInfo.self, from: Data(scalar.string.utf8))
        } catch let error as DecodingError {
            throw Invalid(reason: "data.NetworkStatus: " + describe(error))
        } catch {
            throw Invalid(reason: "data.NetworkStatus is not valid JSON")
        }
    }

    /// A decoding error in words: where in the JSON, and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .dataCorrupted(let c):
            // The decoder's words for a bad value ("Number -1 is not representable in Swift."), its first line.
            let why = c.debugDescription.split(separator: "\n").first.map { String($0.prefix(120)) } ?? ""
            let what = why.isEmpty || why.contains("not valid JSON") ? "not valid JSON" : "not valid (\(why))"
            return c.codingPath.isEmpty ? what : "\(path(c.codingPath)): \(what)"
        case .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
        @unknown default: return "not valid JSON"
        }
        let expected: String
        switch error {
        case .typeMismatch(let type, _), .valueNotFound(let type, _): expected = "expected \(typeWord(type))"
        default: expected = "not valid"
        }
        return context.codingPath.isEmpty ? expected : "\(path(context.codingPath)): \(expected)"
    }

    /// A coding path as `siteStatus[0].site.name`.
    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out
    }

    static func typeWord(_ type: Any.Type) -> String {
        if type == String.self { return "a string" }
        if type == Int.self || type == UInt64.self { return "a number" }
        let name = String(describing: type)
        return name.hasPrefix("Array") || name.hasPrefix("[") ? "an array" : "an object"
    }
}
