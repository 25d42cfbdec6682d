import AsyncHTTPClient
import Certificates
import Foundation
import NIOCore
import NIOSSL
import Resources

/// Redeems an AccessToken at the granting site's redemption service, as Skupper v2 does: POST the code to
/// the token's URL over TLS 1.3, trusting only the token's CA, with the link name and certificate subject
/// in the `name` and `subject` headers; the answer is a Secret and one or more Links.
public enum TokenRedeemer {
    /// What the granting site sent back.
    public struct Outcome: Sendable, Hashable {
        public var secret: Resource
        public var links: [Resource]
    }

    /// Why a redemption failed; only `.unreachable` is worth retrying.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The server answered with an error (wrong code, expired, used up, unknown grant).
        case rejected(status: Int, message: String)
        /// The server could not be reached or did not answer in time.
        case unreachable(String)
        /// The token or the answer is not usable.
        case invalid(String)

        public var description: String {
            switch self {
            case .rejected(let status, let message): "Received HTTP Response \(status): \(message)"
            case .unreachable(let message): "cannot reach the redemption service: \(message)"
            case .invalid(let message): message
            }
        }

        /// Whether trying again later can help.
        public var isRetryable: Bool { if case .unreachable = self { true } else { false } }
    }

    /// The largest answer accepted.
    static let maximumResponseSize = 1 << 20

    /// Redeems `token`, naming the resulting Link and Secret `name`.
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
        let body: ByteBuffer
        let status: UInt
        do {
            var request = HTTPClientRequest(url: token.url)
            request.method = .POST
            request.headers.add(name: "name", value: name)
            request.headers.add(name: "subject", value: subject)
            request.body = .bytes(ByteBuffer(string: token.code))
            let response = try await client.execute(request, timeout: timeout)
            status = response.status.code
            body = try await response.body.collect(upTo: maximumResponseSize)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw .unreachable("\(error)")
        }
        let text = String(buffer: body)
        guard status == 200 else {
            throw .rejected(status: Int(status), message: text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let resources: [Resource]
        do {
            resources = try ResourceLoader.parse(text, file: "redemption response").resources
        } catch {
            throw .invalid("could not decode the redemption response: \(error)")
        }
        return try accept(resources, name: name)
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
            links.append(resource)
        }
        guard !links.isEmpty else { throw .invalid("the redemption response holds no Link") }
        return Outcome(secret: secret, links: links)
    }

}
