import AsyncHTTPClient
import Certificates
import FoundationEssentials
import NIOCore
import NIOSSL
import Resources
import TextSupport

/// Redeems an AccessToken at the granting site's redemption service, as Skupper v2 does: POST the code to
/// the token's URL over TLS 1.3, trusting only the token's CA, with the link name and certificate subject
/// in the `name` and `subject` headers; the answer is a Secret and one or more Links.
public enum TokenRedeemer {
    /// What the granting site sent back.
    public struct Outcome: Sendable, Hashable {
        public var secret: Resource
        public var links: [Resource]
    }

    /// Why a redemption failed; only a failure that may pass (`isRetryable`) is worth trying again.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The server answered with an error: 4xx for the token itself (wrong code, expired, used up, unknown
        /// grant), 5xx for the server's state (its site not set up yet, no link endpoints yet, a store failure).
        case rejected(status: Int, message: String)
        /// The server asked to come back later: 429 (its limiter counted failures from this address or its network,
        /// perhaps a neighbour's) or 503 (busy); `retryAfter` is its `Retry-After` in seconds, when it gave one. Says
        /// nothing about the token, which is tried again as long as the server answers so.
        case later(status: Int, message: String, retryAfter: TimeInterval?)
        /// The server could not be reached or did not answer in time.
        case unreachable(String)
        /// The token or the answer is not usable.
        case invalid(String)

        public var description: String {
            switch self {
            case .rejected(let status, let message), .later(let status, let message, _): "Received HTTP Response \(status): \(message)"
            case .unreachable(let message): "cannot reach the redemption service: \(message)"
            case .invalid(let message): message
            }
        }

        /// Whether trying again later can help: the server could not be reached (refused, reset, timed out) or
        /// answered 5xx (Skupper v2's grant server answers 500 "No valid endpoints found for site" or "Site not
        /// yet defined" while its site is being set up, 503 when its store fails, a proxy in front of it 502/504).
        /// A 4xx answer is about the token and never changes by waiting: it is not retried.
        public var isRetryable: Bool {
            switch self {
            case .unreachable, .later: true
            case .rejected(let status, _): status >= 500
            case .invalid: false
            }
        }

        /// What a final refusal means and what to do, after the server's own words (which are Skupper v2's).
        public var advice: String? {
            guard case .rejected(let status, let message) = self else { return nil }
            let newToken = "ask the granting site for a new token (skupper token issue) and redeem that"
            switch (status, message) {
            case (404, "No such claim"): return "the token has expired or its grant was deleted: \(newToken)"
            case (404, "No such access granted"): return "the token was already redeemed as many times as its grant allows: \(newToken)"
            case (403, _): return "the token's code is not the grant's (the token file was changed, or belongs to another grant): \(newToken)"
            default: return nil
            }
        }

        /// The wait the server asked for (`Retry-After`, seconds), if it asked.
        public var retryAfter: TimeInterval? {
            if case .later(_, _, let seconds) = self { return seconds }
            return nil
        }

        /// Whether the server asked to be tried later (429, 503): no deadline applies, only its answer ends it.
        public var isLater: Bool {
            if case .later = self { return true }
            return false
        }

        /// The failure an error answer means: 429 and 503 are "later", anything else is `rejected`.
        public static func answered(status: Int, message: String, retryAfter: TimeInterval?) -> Failure {
            status == 429 || status == 503 ? .later(status: status, message: message, retryAfter: retryAfter) : .rejected(status: status, message: message)
        }
    }

    /// The longest wait a `Retry-After` may ask for: one hour.
    public static let maximumRetryAfter: TimeInterval = 3600

    /// A `Retry-After` value in seconds from now: delay-seconds, or an HTTP date (RFC 9110); nil when absent or
    /// unreadable; never negative, never above `maximumRetryAfter`.
    public static func retryAfter(_ value: String?, now: Date = Date()) -> TimeInterval? {
        guard let text = value?.trimmingWhitespace(), !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return min(Double(text) ?? maximumRetryAfter, maximumRetryAfter)
        }
        guard let date = HTTPDate.parse(text) else { return nil }
        return min(max(0, date.timeIntervalSince(now)), maximumRetryAfter)
    }

    /// The largest answer accepted.
    static let maximumResponseSize = 1 << 20

    /// What the server sent back.
    struct Answer: Sendable {
        var status: UInt
        var reason: String
        var body: ByteBuffer
        var retryAfter: String?
    }

    /// The whole exchange took longer than the redemption's timeout (a server trickling its answer).
    struct ExchangeTimedOut: Error, CustomStringConvertible {
        var limit: TimeAmount
        var description: String { "no complete answer within \(limit.nanoseconds / 1_000_000_000) s" }
    }

    /// Runs `exchange`, cancelling it when it has not ended within `limit`: the request's own timeouts bound the
    /// connection and each read, this bounds the whole (a server sending its answer a byte at a time).
    static func bounded<T: Sendable>(by limit: TimeAmount, _ exchange: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await exchange() }
            group.addTask {
                try await Task.sleep(for: .nanoseconds(limit.nanoseconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw ExchangeTimedOut(limit: limit) }
            return value
        }
    }

    /// Redeems `token`, naming the resulting Link and Secret `name`; `timeout` bounds the connection, each read,
    /// and the whole exchange. Cancelling the calling task ends the exchange.
    public static func redeem(_ token: AccessTokenSpec, name: String, subject: String, timeout: TimeAmount = .seconds(10)) async throws(Failure) -> Outcome {
        guard !token.ca.isEmpty else { throw .invalid("token does not have a CA") }
        guard let url = URL(string: token.url), url.host != nil else { throw .invalid("could not parse token url: \(token.url)") }
        guard url.scheme == "https" else { throw .invalid("token url scheme must be https") }
        let roots: [NIOSSLCertificate]
        do {
            roots = try NIOSSLCertificate.fromPEMBytes(Array(token.ca.utf8))
        } catch {
            throw .invalid("token CA is not a valid PEM certificate: \(error)")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(roots)
        tls.minimumTLSVersion = .tlsv13
        tls.certificateVerification = .fullVerification
        let configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: timeout, read: timeout))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let answer: Answer
        do {
            answer = try await bounded(by: timeout) {
                var request = HTTPClientRequest(url: token.url)
                request.method = .POST
                request.headers.add(name: "name", value: name)
                request.headers.add(name: "subject", value: subject)
                request.body = .bytes(ByteBuffer(string: token.code))
                let response = try await client.execute(request, timeout: timeout)
                let body = try await response.body.collect(upTo: maximumResponseSize)
                return Answer(
                    status: response.status.code, reason: response.status.reasonPhrase, body: body,
                    retryAfter: response.headers.first(name: "Retry-After"))
            }
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw .unreachable("\(error)")
        }
        let (status, reason, body) = (answer.status, answer.reason, answer.body)
        let text = String(buffer: body)
        guard status == 200 else {
            throw .answered(status: Int(status), message: errorMessage(text, reason: reason), retryAfter: retryAfter(answer.retryAfter))
        }
        let resources: [Resource]
        do {
            resources = try ResourceLoader.parse(text, file: "redemption response").resources
        } catch {
            throw .invalid("could not decode the redemption response: \(error)")
        }
        return try accept(resources, name: name)
    }

    /// The longest error text kept from an answer (a proxy in front of the service may answer with a whole page).
    static let maximumMessageLength = 300

    /// What an error answer says: its text, else the status's reason phrase, cut to a status line's length.
    static func errorMessage(_ text: String, reason: String) -> String {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return reason }
        return trimmed.count > maximumMessageLength ? trimmed.prefix(maximumMessageLength) + "..." : trimmed
    }

    /// What a redemption may create: the Secret named as asked, with TLS files only, and Links named as asked
    /// (`name`, or `name-<n>` for a site with several endpoint groups) that use that Secret. Whoever issued the
    /// token controls the server: anything else (a site CA, a server certificate, another Link) is refused whole.
    static func accept(_ resources: [Resource], name: String) throws(Failure) -> Outcome {
        func refuse(_ what: String) -> Failure {
            .invalid("the redemption service answered with \(what), which redeeming this token did not ask for: the answer was refused")
        }
        guard var secret = resources.first, secret.kind == .secret else {
            throw .invalid("could not decode the redemption response: it does not start with a Secret")
        }
        guard secret.name == name else { throw refuse("Secret \"\(secret.name)\" (expected \"\(name)\")") }
        if case .secret(var spec) = secret.spec {
            spec.data = spec.data.filter { [TLSCredentials.certificateFile, TLSCredentials.privateKeyFile, TLSCredentials.caFile].contains($0.key) }
            guard spec.data[TLSCredentials.certificateFile] != nil, spec.data[TLSCredentials.privateKeyFile] != nil else {
                throw .invalid("the redemption response's Secret has no tls.crt and tls.key")
            }
            secret.spec = .secret(spec)
        }
        var links: [Resource] = []
        for resource in resources.dropFirst() {
            guard resource.kind == .link, let spec = resource.link else { throw refuse("\(resource.kind.rawValue) \"\(resource.name)\"") }
            let suffix = resource.name.hasPrefix(name + "-") ? resource.name.dropFirst(name.count + 1) : nil
            guard resource.name == name || suffix.map({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) == true else {
                throw refuse("Link \"\(resource.name)\"")
            }
            guard (spec.tlsCredentials ?? resource.name) == name else {
                throw refuse("Link \"\(resource.name)\" using Secret \"\(spec.tlsCredentials ?? resource.name)\"")
            }
            // A proxy is this site's choice: the granting site must not send the link through one of this site's Secrets.
            if let proxy = spec.settings[ProxyProfile.setting] {
                throw refuse("Link \"\(resource.name)\" going through the proxy of Secret \"\(proxy)\"")
            }
            links.append(resource)
        }
        guard !links.isEmpty else { throw .invalid("the redemption response holds no Link") }
        return Outcome(secret: secret, links: links)
    }

}
