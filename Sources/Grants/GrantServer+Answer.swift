import FoundationEssentials
import Logging
import NIOCore
import NIOHTTP1
import Resources

extension GrantServer {
    /// Decides the answer to one request. Everything that can refuse it is checked before the redemption is
    /// counted (method, name, site, rate limit, grant and code, the response itself), so a refused request
    /// never uses one up.
    func answer(_ head: HTTPRequestHead, body: ByteBuffer, from address: String) async -> Result<String, RedemptionFailure> {
        guard head.method == .POST else { return .failure(.methodNotAllowed) }
        let requestedName = head.headers.first(name: "name").flatMap { $0.isEmpty ? nil : $0 }
        // A lowercase RFC 1123 label is what Links need here; Skupper v2 also accepts a DNS subdomain (dots).
        if let requestedName, !(ObjectMeta.isValidLabel(requestedName) || ObjectMeta.isValidName(requestedName)) {
            return .failure(.invalidName(requestedName))
        }
        guard let context = context.withLock({ $0 }) else { return .failure(.siteNotDefined) }
        // Counted as a failure up front, so a burst of concurrent guesses cannot all slip under the limit.
        guard limiter.admit(address) else { return .failure(.tooManyFailures(retryAfter: Int(limiter.window.rounded(.up)))) }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let key = path.split(separator: "/").joined()
        let code = Array(body.readableBytesView)
        let found: GrantRecord
        switch ledger.check(key: key, code: code) {
        case .failure(let failure): return refuse(failure, from: address)
        case .success(let record): found = record
        }
        // The code is right: no guess. Taken back at once, not after the certificate and the ledger's write, so
        // concurrent redemptions from one address (sites behind one NAT) never count against each other.
        limiter.forgive(address)
        let response: String
        do {
            response = try context.response(name: requestedName ?? found.name, subject: head.headers.first(name: "subject"))
        } catch {
            return refuse(error, from: address, counted: false)
        }
        switch await ledger.redeem(key: key, code: code) {
        case .failure(let failure):
            return refuse(failure, from: address, counted: false)
        case .success(let record):
            logger.info(
                "grant redeemed",
                metadata: ["grant": "\(record.name)", "from": "\(address)", "redemptions": "\(record.redemptions)/\(record.redemptionsAllowed)"])
            redemptionNotices.yield(record.name)
            return .success(response)
        }
    }

    /// Logs a refusal; only a wrong code or an unknown grant keeps counting against the client's limits.
    /// `counted` is false once the attempt's count was taken back already (the code was right).
    private func refuse(_ failure: RedemptionFailure, from address: String, counted: Bool = true) -> Result<String, RedemptionFailure> {
        if counted && failure != .refused && failure != .noSuchClaim { limiter.forgive(address) }
        logger.notice("redemption refused", metadata: ["from": "\(address)", "status": "\(failure.status)", "reason": "\(failure.message)"])
        return .failure(failure)
    }
}
