import Certificates
import FoundationEssentials
import Logging
import Resources
import SiteFiles

/// The site's certificates and the link profiles (each Link's client credentials on disk): generated or copied
/// from the user's Secrets when the plan asks for other ones. Owns what was last ensured, and which of the
/// user's Secrets cannot be used (their last good credentials stay in force).
struct CertificateStage {
    let layout: SiteLayout
    let logger: Logger
    private var lastRequests: [CertificateRequest] = []
    private var lastUserCertificates: [String: SecretSpec] = [:]
    private var lastLinkSecrets: [String: SecretSpec] = [:]
    /// Input Secrets whose credentials cannot stand in for the site's, by Secret name, with why.
    private(set) var problems: [String: String] = [:]
    /// Link Secrets whose new credentials were refused (the last good stay), by Secret name, with why.
    private var linkProblems: [String: String] = [:]
    /// When each certificate last ensured expires.
    private(set) var expirations: [CertificateRequest.Location: Date] = [:]
    /// The certificates the user supplied (a Secret or `input/certs`, `input/issuers`), by name.
    private var supplied: Set<String> = []
    /// When each Link's client certificate expires, by its Secret's name.
    private var linkExpirations: [String: Date] = [:]

    init(layout: SiteLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    /// Brings certificates and link profiles in line with the plan; returns the credentials directories (under
    /// `runtime/certs/`, each an sslProfile's) whose files changed. `secrets` are the user's Secrets (never a redeemed one: those do not stand in for the site's).
    mutating func apply(_ plan: SitePlan, secrets: [String: SecretSpec], force: Bool) throws -> Set<String> {
        try ensureCertificates(plan, secrets: secrets, force: force).union(writeLinkProfiles(plan))
    }

    private mutating func ensureCertificates(_ plan: SitePlan, secrets: [String: SecretSpec], force: Bool) throws -> Set<String> {
        // Files under input/certs and input/issuers win over Secrets of the same name, as in Skupper v2.
        let user = UserCertificates.read(plan.certificates, layout: layout)
        guard force || plan.certificates != lastRequests || user.found != lastUserCertificates else { return [] }
        let outcome = try SiteCertificates(layout: layout).ensure(plan.certificates, secrets: secrets.merging(user.found) { $1 })
        supplied = Set(plan.certificates.map(\.name).filter { secrets[$0] != nil || user.found[$0] != nil })
        lastRequests = plan.certificates
        lastUserCertificates = user.found
        problems = outcome.problems.merging(user.problems) { first, _ in first }
        expirations = outcome.expirations
        for (name, problem) in outcome.problems.sorted(by: { $0.key < $1.key }) {
            logger.error("Secret cannot be used: its last good credentials stay in force", metadata: ["secret": "\(name)", "problem": "\(problem)"])
        }
        if !outcome.generated.isEmpty { logger.info("certificates generated", metadata: ["names": "\(outcome.generated.joined(separator: ","))"]) }
        return Set(outcome.generated + outcome.copied)
    }

    private mutating func writeLinkProfiles(_ plan: SitePlan) throws -> Set<String> {
        var wanted: [String: SecretSpec] = [:]
        for (_, secret) in plan.links { wanted[secret.name] = secret.spec }
        guard wanted != lastLinkSecrets else { return [] }
        let certificates = SiteCertificates(layout: layout)
        var changed: Set<String> = []
        var problems: [String: String] = [:]
        for (name, secret) in wanted where lastLinkSecrets[name] != secret {
            // A Link's new credentials are checked like the site's before they replace good ones: bad ones never
            // reach the running router, the last good stay (first ones are written: the router's word on the Link
            // says what is wrong with them).
            do { if lastLinkSecrets[name] != nil { _ = try SiteCertificates.credentials(secret, requireKey: false) } } catch {
                problems[name] = "\(error)"
                if linkProblems[name] != "\(error)" {
                    logger.error("Link Secret cannot be used: its last good credentials stay in force", metadata: ["secret": "\(name)", "problem": "\(error)"])
                }
                wanted[name] = lastLinkSecrets[name]
                continue
            }
            if try certificates.writeLinkProfile(secretName: name, secret: secret) { changed.insert(SitePlan.linkProfile(name)) }
        }
        for name in lastLinkSecrets.keys where wanted[name] == nil {
            try? FileManager.default.removeItem(at: layout.certificate(SitePlan.linkProfile(name)))
        }
        lastLinkSecrets = wanted
        linkProblems = problems
        linkExpirations = wanted.compactMapValues { secret in
            secret.data[TLSCredentials.certificateFile].flatMap(SiteCertificates.expiration(certificatePEM:))
        }
        return changed
    }

    /// Reads each certificate's end again from its file (what is on disk is what the router serves).
    mutating func refreshExpirations() {
        for location in expirations.keys {
            let base = location.kind == .authority ? layout.issuers : layout.certificates
            guard let directory = try? layout.child(base, location.name),
                let pem = try? Data(contentsOf: directory.appendingPathComponent(TLSCredentials.certificateFile)),
                let date = SiteCertificates.expiration(certificatePEM: pem)
            else { continue }
            expirations[location] = date
        }
    }

    /// Every certificate's end, and who renews it.
    var expiries: [CertificateExpiry] {
        var list: [CertificateExpiry] = []
        for (location, date) in expirations {
            let authority = location.kind == .authority
            list.append(
                CertificateExpiry(
                    name: location.name, kind: authority ? .authority : .certificate, expires: date,
                    renewedByAgent: !authority && !supplied.contains(location.name)))
        }
        for (name, date) in linkExpirations { list.append(CertificateExpiry(name: name, kind: .linkClient, expires: date, renewedByAgent: false)) }
        return list.sorted { ($0.expires, $0.name) < ($1.expires, $1.name) }
    }

    /// The unusable input Secrets and certificate directories as errors located in their files.
    func errors(in store: ResourceStore) -> [ResourceError] {
        problems.merging(linkProblems) { first, _ in first }.sorted { $0.key < $1.key }.map { name, problem in
            guard let source = store.one(SecretSpec.self, named: name)?.source else {
                let issuer = FileManager.default.fileExists(atPath: layout.inputIssuers.appendingPathComponent(name).path)
                return ResourceError(
                    SourceLocation(file: "\(issuer ? "input/issuers" : "input/certs")/\(name)", document: 1),
                    "certificate \"\(name)\" cannot be used: \(problem); its last good credentials stay in force")
            }
            return ResourceError(source, field: "data", "Secret \"\(name)\" cannot be used: \(problem); its last good credentials stay in force")
        }
    }
}
