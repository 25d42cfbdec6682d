import FlowRecords
import NIOHTTP1
import ServerLimits
import Synchronization

/// One request as the console reads it: its method, target and the headers it looks at.
public struct ConsoleRequest: Sendable {
    public var method: String
    public var uri: String
    public var host: String?
    public var authorization: String?
    public var ifNoneMatch: String?

    public init(method: String, uri: String, host: String? = nil, authorization: String? = nil, ifNoneMatch: String? = nil) {
        self.method = method
        self.uri = uri
        self.host = host
        self.authorization = authorization
        self.ifNoneMatch = ifNoneMatch
    }
}

/// One answer: status, headers and body.
public typealias ConsoleResponse = HTTPAnswer

/// What the console answers, path by path: the page and its two assets, the page's state, the observer API, the
/// network metrics beside the agent's own, and readiness. No path reads a file: there is nothing outside its own
/// assets to reach. Without authentication (loopback only) a request must name this host (`Host: localhost...`), so
/// a web page elsewhere cannot read the console through a name it points at 127.0.0.1.
public final class ConsoleRoutes: Sendable {
    let feed: ConsoleFeed
    let authentication: ConsoleAuthentication?
    /// The agent's own metrics in Prometheus' text format (empty when the agent has none).
    let agentMetrics: @Sendable () -> String
    /// The host names a request may give besides loopback ones (the address bound).
    let boundHost: String
    /// Whether every connection was authenticated by its client certificate (mutual TLS) before any request.
    let clientCertificates: Bool
    private let observer = ObserverAPI()
    private let state = Mutex<(version: String, body: String)?>(nil)

    public init(
        feed: ConsoleFeed, authentication: ConsoleAuthentication?, clientCertificates: Bool = false, boundHost: String,
        agentMetrics: @escaping @Sendable () -> String = { "" }
    ) {
        self.feed = feed
        self.clientCertificates = clientCertificates
        self.authentication = authentication
        self.boundHost = boundHost
        self.agentMetrics = agentMetrics
    }

    static let securityHeaders = [
        ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"),
    ]

    /// The answer to a request's head as NIO read it.
    public func answer(_ head: HTTPRequestHead) -> HTTPAnswer {
        answer(
            ConsoleRequest(
                method: head.method.rawValue, uri: head.uri, host: head.headers.first(name: "Host"), authorization: head.headers.first(name: "Authorization"),
                ifNoneMatch: head.headers.first(name: "If-None-Match")))
    }

    public func answer(_ request: ConsoleRequest) -> ConsoleResponse {
        var response = route(request)
        response.headers += Self.securityHeaders
        return response
    }

    private func route(_ request: ConsoleRequest) -> ConsoleResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return ConsoleResponse(405, "only GET and HEAD\n", headers: [("Allow", "GET, HEAD")])
        }
        if let authentication {
            guard authentication.admits(authorization: request.authorization) else {
                return ConsoleResponse(401, "authentication required\n", headers: [("WWW-Authenticate", "Basic realm=\"skupper console\", charset=\"UTF-8\"")])
            }
        } else if !clientCertificates, !isLocalHost(request.host) {
            return ConsoleResponse(421, "this console answers to localhost only\n")
        }
        let (path, query) = Self.split(request.uri)
        guard path.hasPrefix("/"), !path.contains(".."), path.utf8.count <= 512 else { return ConsoleResponse(404, "not found\n") }
        switch path {
        case "/", "/index.html":
            return ConsoleResponse(200, ConsoleAssets.html, contentType: "text/html; charset=utf-8", headers: [("Cache-Control", "no-cache")])
        case "/console.js":
            return ConsoleResponse(200, ConsoleAssets.script, contentType: "text/javascript; charset=utf-8", headers: [("Cache-Control", "no-cache")])
        case "/console.css":
            return ConsoleResponse(200, ConsoleAssets.style, contentType: "text/css; charset=utf-8", headers: [("Cache-Control", "no-cache")])
        case "/api/console/state":
            return consoleState(ifNoneMatch: request.ifNoneMatch)
        case "/metrics":
            return ConsoleResponse(
                200, NetworkMetrics.text(snapshot: feed.read().snapshot) + agentMetrics(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        case "/healthz":
            let ready = feed.read().overview.ready
            return ConsoleResponse(ready ? 200 : 503, ready ? "ok\n" : "not ready\n")
        default:
            guard path.hasPrefix("/api/v2alpha1/") else { return ConsoleResponse(404, "not found\n") }
            let reading = feed.read()
            let segments = path.dropFirst("/api/v2alpha1/".count).split(separator: "/", omittingEmptySubsequences: true).map {
                Substring(Self.percentDecoded($0))
            }
            let answer = observer.answer(
                path: segments, parameters: Self.parameters(query), reading: reading, now: Int(clamping: WallClock.microseconds()))
            return ConsoleResponse(answer.status, answer.body + "\n", contentType: "application/json", headers: [("Cache-Control", "no-store")])
        }
    }

    /// The page's state; 304 when the page has it already.
    private func consoleState(ifNoneMatch: String?) -> ConsoleResponse {
        let reading = feed.read()
        let etag = "\"\(reading.version)\""
        if ifNoneMatch == etag { return ConsoleResponse(304, "", headers: [("ETag", etag), ("Cache-Control", "no-cache")]) }
        let body = state.withLock { cached -> String in
            if let cached, cached.version == reading.version { return cached.body }
            let body = ConsoleState.json(snapshot: reading.snapshot, overview: reading.overview, version: reading.version, now: WallClock.microseconds())
            cached = (reading.version, body)
            return body
        }
        return ConsoleResponse(200, body, contentType: "application/json", headers: [("ETag", etag), ("Cache-Control", "no-cache")])
    }

    /// Whether a `Host` header names this host: a loopback name or address, or the address bound.
    func isLocalHost(_ host: String?) -> Bool {
        guard var name = host?.lowercased(), !name.isEmpty else { return false }
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            name = String(name[name.index(after: name.startIndex)..<close])
        } else if let colon = name.lastIndex(of: ":") {
            name = String(name[..<colon])
        }
        return name == "localhost" || name == "::1" || name == boundHost.lowercased() || (name.hasPrefix("127.") && name.split(separator: ".").count == 4)
    }

    static func split(_ uri: String) -> (path: String, query: Substring) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), uri[uri.index(after: mark)...])
    }

    /// The query's parameters, decoded, in order (at most 64).
    static func parameters(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).prefix(64).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (percentDecoded(parts[0]), parts.count > 1 ? percentDecoded(parts[1]) : "")
        }
    }

    /// `%XX` and `+` decoded; a malformed escape is left as it is.
    static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") || text.contains("+") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2, let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
