import FoundationEssentials
import HostSupport
import Resources
import TokenRedemption

/// The AccessTokens this site redeems: which are due, each attempt as work beside the loop, and its outcome.
extension AccessController {
    /// The statuses of the AccessTokens, forgetting the state of tokens that are gone.
    mutating func tokenStatuses(_ accessTokens: [TypedResource<AccessTokenSpec>], siteDefined: Bool) -> [ResourceID: ResourceStatus] {
        var statuses: [ResourceID: ResourceStatus] = [:]
        for token in accessTokens {
            if tokens[token.name].map({ !$0.matches(token.spec) }) ?? true {
                tokens[token.name] = TokenState(url: token.spec.url, code: token.spec.code, phase: .pending, message: "Waiting to redeem the token")
            }
            statuses[token.id] =
                siteDefined
                ? tokens[token.name]!.status
                : .pending("no Site is defined in this namespace", fields: [StatusField(StatusKey.redeemed, .bool(false))])
        }
        let names = Set(accessTokens.map(\.name))
        for name in tokens.keys where !names.contains(name) {
            tokens[name] = nil
            try? FileManager.default.removeItem(at: tokenDirectory.appendingPathComponent("\(name).json"))
        }
        return statuses
    }

    /// Starts an attempt for each token that is due; `clash` says what already uses a link name, if anything.
    /// A token refused before it is sent gets its outcome at once (`refused` lists them).
    mutating func redemptionsDue(
        in store: ResourceStore, siteName: String, now: Date = Date(),
        clash: (String) -> String?
    ) -> (work: [AgentWork], refused: [ResourceID]) {
        var work: [AgentWork] = []
        var refused: [ResourceID] = []
        let due = tokens.filter { $0.value.phase == .pending && !$0.value.inFlight && ($0.value.retryAt ?? .distantPast) <= now }.map(\.key).sorted()
        for name in due {
            guard let token = store.one(AccessTokenSpec.self, named: name) else { continue }
            let spec = token.spec
            let linkName = spec.linkName ?? name
            if let owner = clash(linkName) {
                // The answer would be stored under this name: it must not stand in for the site's own credentials.
                record(
                    name, spec: spec,
                    result: .failure(
                        .invalid(
                            "the link name \"\(linkName)\" is taken by \(owner): give the AccessToken another name or set spec.linkName")))
                refused.append(token.id)
                continue
            }
            tokens[name]?.inFlight = true
            logger.info("redeeming access token", metadata: ["token": "\(name)", "url": "\(spec.url)"])
            work.append {
                let result: Result<TokenRedeemer.Outcome, TokenRedeemer.Failure>
                do throws(TokenRedeemer.Failure) {
                    result = .success(try await TokenRedeemer.redeem(spec, name: linkName, subject: siteName))
                } catch {
                    result = .failure(error)
                }
                return .tokenRedeemed(TokenAttempt(name: name, spec: spec, result: result))
            }
        }
        return (work, refused)
    }

    /// The resources an attempt brought, ready to store: the Secret and the Links, with the token's link cost.
    static func received(_ outcome: TokenRedeemer.Outcome, spec: AccessTokenSpec) -> [Resource] {
        let links = outcome.links.map { link in
            var link = link
            if let cost = spec.linkCost, case .link(var linkSpec) = link.spec {
                linkSpec.cost = cost
                link.spec = .link(linkSpec)
            }
            return link
        }
        return [outcome.secret] + links
    }

    /// Records how an attempt ended. A failure that may pass is tried again with backoff (`retry`): the status
    /// says which attempt failed, why, and when the next one starts; past the retry deadline the token is given up
    /// on, as a refused one is, until it changes.
    mutating func record(_ name: String, spec: AccessTokenSpec, result: Result<Void, TokenRedeemer.Failure>, now: Date = Date()) {
        guard var state = tokens[name], state.matches(spec) else { return }
        state.inFlight = false
        state.attempts += 1
        switch result {
        case .success:
            state.phase = .redeemed
            state.message = "OK"
            state.retryAt = nil
            state.firstFailure = nil
            logger.info("access token redeemed", metadata: ["token": "\(name)", "attempts": "\(state.attempts)"])
        case .failure(let failure) where failure.isLater:
            // The server asked to come back later (its limiter, perhaps counting a neighbour's guesses; or busy): that
            // says nothing about the token, so no deadline applies; its own answer ends it (404 once the grant expired).
            let backoff = retry.delay(afterFailures: state.attempts, firstFailure: now, now: now) ?? retry.maximumDelay
            let delay = max(1, failure.retryAfter ?? backoff)
            state.retryAt = now.addingTimeInterval(delay)
            let asked = failure.retryAfter == nil ? "" : " as the server asks"
            state.message = "\(failure) (attempt \(state.attempts)); next try in \(Self.seconds(delay))\(asked), at \(UTCTimestamp.string(state.retryAt!))"
            logger.notice(
                "access token not redeemed yet: the server asks to try later",
                metadata: [
                    "token": "\(name)", "error": "\(failure)", "attempt": "\(state.attempts)", "retryIn": "\(Self.seconds(delay))",
                ])
        case .failure(let failure) where failure.isRetryable:
            let first = state.firstFailure ?? now
            state.firstFailure = first
            if let delay = retry.delay(afterFailures: state.attempts, firstFailure: first, now: now) {
                state.retryAt = now.addingTimeInterval(delay)
                state.message = "\(failure) (attempt \(state.attempts)); retrying in \(Self.seconds(delay)) (delete the AccessToken to stop)"
                logger.warning(
                    "access token not redeemed: retrying",
                    metadata: [
                        "token": "\(name)", "error": "\(failure)", "attempt": "\(state.attempts)", "retryIn": "\(Self.seconds(delay))",
                    ])
            } else {
                state.phase = .rejected
                state.retryAt = nil
                state.message = "\(failure); gave up after \(state.attempts) attempts in \(Self.seconds(now.timeIntervalSince(first)))"
                logger.error("access token not redeemed: giving up", metadata: ["token": "\(name)", "error": "\(failure)", "attempts": "\(state.attempts)"])
            }
        case .failure(let failure):
            state.phase = .rejected
            state.retryAt = nil
            state.message = failure.description + (failure.advice.map { ": \($0)" } ?? "")
            logger.error("access token not redeemed", metadata: ["token": "\(name)", "error": "\(failure)"])
        }
        tokens[name] = state
        do { try state.save(name: name, in: tokenDirectory) } catch {
            logger.error("cannot persist token state", metadata: ["token": "\(name)", "error": "\(error)"])
        }
    }

    /// A number of seconds as a status shows it ("2s", "1m30s").
    static func seconds(_ interval: TimeInterval) -> String {
        let total = max(0, Int(interval.rounded()))
        return total < 60 ? "\(total)s" : "\(total / 60)m" + (total % 60 == 0 ? "" : "\(total % 60)s")
    }
}
