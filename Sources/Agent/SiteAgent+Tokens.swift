import Foundation
import Grants
import Resources
import TokenRedemption

extension SiteAgent {
    /// Store owners of resources the agent generated itself (`runtime/resources/<file>`).
    static let generatedPrefix = "@generated/"

    /// Loads the resources earlier redemptions produced (`runtime/resources/*.yaml`).
    func loadGenerated() {
        let directory = layout.generatedResources
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where ResourceLoader.isResourceFile(name) {
            do {
                let contents = try ResourceLoader.load(contentsOf: directory.appendingPathComponent(name), displayName: "runtime/resources/\(name)")
                store.setGenerated(contents.resources, owner: Self.generatedPrefix + name)
            } catch {
                logger.error("\(error)")
            }
        }
    }

    /// Starts redeeming the AccessTokens that are due, each in its own task; returns whether a token was refused
    /// without being sent (its status changed).
    @discardableResult
    func startRedemptions(siteName: String) -> Bool {
        var refused = false
        for name in grants.tokensDue() {
            guard let spec = store.resources[ResourceID(.accessToken, name)]?.accessToken else { continue }
            let linkName = spec.linkName ?? name
            if let clash = reservedNameClash(linkName) {
                // The answer would be stored under this name: it must not stand in for the site's own credentials.
                grants.finished(name, spec: spec, result: .failure(.invalid(
                    "the link name \"\(linkName)\" is taken by \(clash): give the AccessToken another name or set spec.linkName")))
                refused = true
                continue
            }
            grants.tokens[name]?.inFlight = true
            logger.info("redeeming access token", metadata: ["token": "\(name)", "url": "\(spec.url)"])
            Task {
                let result: Result<TokenRedeemer.Outcome, TokenRedeemer.Failure>
                do throws(TokenRedeemer.Failure) {
                    result = .success(try await TokenRedeemer.redeem(spec, name: linkName, subject: siteName))
                } catch {
                    result = .failure(error)
                }
                await self.redemptionFinished(name, spec: spec, result: result)
            }
        }
        return refused
    }

    /// What already uses `name` among the site's own credentials and the user's Secrets, if anything does.
    func reservedNameClash(_ name: String) -> String? {
        // The plan's certificates include the site's CAs and local credentials; the grant server's are kept apart.
        let own = Set(plan.certificates.map(\.name) + [GrantCoordinator.serverCA, GrantCoordinator.serverCertificate])
        if own.contains(name) { return "this site's own credentials" }
        if let secret = store.resources[ResourceID(.secret, name)], isInput(secret) { return "the Secret in \(secret.source?.file ?? "the input directory")" }
        return nil
    }

    /// Records a redemption's outcome: on success the received Secret and Links are written under
    /// `runtime/resources/` and take effect like any other resource.
    func redemptionFinished(_ name: String, spec: AccessTokenSpec, result: Result<TokenRedeemer.Outcome, TokenRedeemer.Failure>) async {
        await exclusive {
            var change = ResourceStore.Change()
            switch result {
            case .success(let outcome):
                var links = outcome.links
                if let cost = spec.linkCost {
                    links = links.map { link in
                        var link = link
                        if case .link(var linkSpec) = link.spec { linkSpec.cost = cost; link.spec = .link(linkSpec) }
                        return link
                    }
                }
                let resources = [outcome.secret] + links
                let file = "AccessToken-\(name).yaml"
                do {
                    try AtomicFile.write(ResourceEncoder.yaml(resources), to: layout.generatedResources.appendingPathComponent(file), mode: 0o600)
                    change = store.setGenerated(resources, owner: Self.generatedPrefix + file)
                    grants.finished(name, spec: spec, result: .success(()))
                    logger.info("access token redeemed", metadata: ["token": "\(name)", "links": "\(links.map(\.name).joined(separator: ","))"])
                } catch {
                    grants.finished(name, spec: spec, result: .failure(.unreachable("cannot store the received link: \(error)")))
                }
            case .failure(let failure):
                logger.error("access token \(name) not redeemed: \(failure)")
                grants.finished(name, spec: spec, result: .failure(failure))
            }
            change.updated.insert(ResourceID(.accessToken, name))
            do { try await reconcile(change, full: false) } catch { logger.error("reconcile failed: \(error)") }
        }
    }

    /// Removes what redeeming the AccessToken `name` created (`runtime/resources/AccessToken-<name>.yaml`).
    func forgetRedemption(of name: String) -> ResourceStore.Change {
        let file = "AccessToken-\(name).yaml"
        guard store.files[Self.generatedPrefix + file] != nil else { return ResourceStore.Change() }
        try? FileManager.default.removeItem(at: layout.generatedResources.appendingPathComponent(file))
        logger.info("access token deleted: the link it created is removed", metadata: ["token": "\(name)"])
        return store.apply(file: Self.generatedPrefix + file, nil)
    }

    /// Updates grant statuses after the server counted a redemption.
    func grantRedeemed() async {
        await exclusive {
            redemptionQueued.store(false, ordering: .releasing)
            do { try await reconcile(ResourceStore.Change(), full: false) } catch { logger.error("reconcile failed: \(error)") }
        }
    }

    /// Acts on time passing: token retries fall due, grants and token requests expire, and every
    /// `platformCheckInterval` the router's state is checked, so a router that died or an engine that went
    /// away shows in the Site status and is recovered. Returns whether anything was reconciled.
    @discardableResult
    public func tick(now: Date = Date()) async -> Bool {
        let grantsDue = grants.nextDeadline(now: now.addingTimeInterval(-2)).map { $0 <= now } ?? false
        let checkDue = hadSite && now.timeIntervalSince(lastPlatformCheck) >= options.platformCheckInterval
        guard grantsDue || checkDue else { return false }
        return await exclusive {
            let removed = grantsDue ? removeExpiredTokenRequests(now: now) : ResourceStore.Change()
            var recheck = false
            if checkDue {
                lastPlatformCheck = now
                let observed = await platform.state(layout: layout)
                if observed != platformState {
                    logger.notice("router state changed", metadata: ["from": "\(platformState.phase.rawValue)", "to": "\(observed.phase.rawValue)", "message": "\(observed.message)"])
                }
                // An unhealthy router is applied again at every check until it recovers.
                recheck = observed != platformState || !observed.isHealthy
                platformState = observed
            }
            guard grantsDue || recheck else { return false }
            do { try await reconcile(removed, full: false) } catch { logger.error("reconcile failed: \(error)") }
            return true
        }
    }

    /// A TokenRequest is removed once its token expired, as the Kyma controller deletes the request: its input
    /// file goes when it holds that request alone; otherwise the request stays with state ERR.
    func removeExpiredTokenRequests(now: Date) -> ResourceStore.Change {
        var change = ResourceStore.Change()
        for request in store.resources(of: .tokenRequest) {
            guard let record = grants.ledger.record(named: GrantCoordinator.tokenRequestPrefix + request.name), record.isExpired(at: now),
                  let owner = store.owners[request.id], !owner.hasPrefix(Self.generatedPrefix),
                  store.files[owner]?.resources == [request.id] else { continue }
            let url = layout.inputResources.appendingPathComponent(owner)
            if (try? FileManager.default.removeItem(at: url)) != nil {
                logger.info("token request expired: removed", metadata: ["request": "\(request.name)", "file": "\(owner)"])
                change.merge(store.apply(file: owner, nil))
            }
        }
        return change
    }
}
