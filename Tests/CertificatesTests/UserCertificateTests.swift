import Certificates
import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

/// Certificates the user declares: a signing one becomes a CA under `runtime/issuers/`, another a leaf under
/// `runtime/certs/` signed by the CA its `ca` names, usable as any service's or router access's `tlsCredentials`;
/// a Secret of the same name takes its place.
@Suite("User-declared Certificates")
struct UserCertificateTests {
    let scratch: ScratchNamespace
    var layout: SiteLayout { scratch.layout }

    init() throws { scratch = try ScratchNamespace("usercerts") }

    static let site = "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: west}\nspec: {linkAccess: default}\n"

    static func certificate(_ name: String, _ spec: String) -> String {
        "---\napiVersion: skupper.io/v2alpha1\nkind: Certificate\nmetadata: {name: \(name)}\nspec: \(spec)\n"
    }

    static let declared =
        site
        + certificate("my-ca", "{subject: My Own CA, signing: true}")
        + certificate("db-server", "{ca: my-ca, subject: db.example.com, hosts: [db.example.com, 10.1.2.3], server: true}")
        + certificate("db-client", "{ca: my-ca, subject: db-client, client: true}")
        + certificate("site-signed", "{ca: skupper-site-ca, subject: partner, hosts: [partner.example.com], server: true}")
            + """
            ---
            apiVersion: skupper.io/v2alpha1
            kind: MultiKeyListener
            metadata: {name: db}
            spec: {host: 0.0.0.0, port: 5432, tlsCredentials: db-server, strategy: {priority: {routingKeys: [db]}}}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata: {name: plain}
            spec: {host: 0.0.0.0, port: 8080, routingKey: plain, tlsCredentials: plain-tls}
            """

    static func plan(_ text: String) throws -> (SitePlan, [Resource]) {
        let resources = try ResourceLoader.parse(text, file: "in.yaml").resources
        return (SitePlan(resources: resources, identity: SiteIdentity(siteId: "id", routerId: "west-1", hosts: ["west.example.com"])), resources)
    }

    func file(_ directory: URL, _ name: String) -> String { directory.appendingPathComponent(name).path }

    func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try run(["openssl"] + arguments)
        return (result.status, result.output)
    }

    @Test func signingCertificatesAreCAsAndLeavesAreSignedByTheirCA() throws {
        let (plan, resources) = try Self.plan(Self.declared)
        for resource in resources { #expect(plan.problem(for: resource.id) == nil, "\(resource.id)") }
        let requests = plan.certificates
        #expect(requests.contains(CertificateRequest(name: "my-ca", kind: .authority, commonName: "My Own CA")))
        #expect(
            requests.contains(
                CertificateRequest(
                    name: "db-server", kind: .leaf, commonName: "db.example.com",
                    hosts: ["db.example.com", "10.1.2.3"], issuer: "my-ca")))
        // The MultiKeyListener's tlsCredentials is the user's Certificate, not one the service CA would sign.
        #expect(requests.filter { $0.name == "db-server" }.count == 1)
        #expect(requests.contains { $0.name == "plain-tls" && $0.issuer == SitePlan.serviceCA })

        let outcome = try SiteCertificates(layout: layout).ensure(requests)
        #expect(outcome.problems.isEmpty)
        let myCA = layout.issuers.appendingPathComponent("my-ca")
        let caText = try openssl(["x509", "-in", file(myCA, "tls.crt"), "-noout", "-subject", "-ext", "basicConstraints"]).output
        #expect(caText.contains("CN=My Own CA") || caText.contains("CN = My Own CA"), "\(caText)")
        #expect(caText.contains("CA:TRUE"), "\(caText)")
        #expect(!FileManager.default.fileExists(atPath: layout.certificate("my-ca").path), "a CA is not a leaf")

        for (name, ca) in [("db-server", myCA), ("db-client", myCA), ("site-signed", layout.issuers.appendingPathComponent(SitePlan.siteCA))] {
            let directory = layout.certificate(name)
            let verify = try openssl(["verify", "-CAfile", file(ca, "tls.crt"), file(directory, "tls.crt")])
            #expect(verify.status == 0, "\(name): \(verify.output)")
            // ca.crt is the signing CA, as the router's sslProfile needs it.
            #expect(try String(contentsOfFile: file(directory, "ca.crt"), encoding: .utf8) == String(contentsOfFile: file(ca, "tls.crt"), encoding: .utf8))
            let attributes = try FileManager.default.attributesOfItem(atPath: file(directory, "tls.key"))
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
        let server = try openssl(["x509", "-in", file(layout.certificate("db-server"), "tls.crt"), "-noout", "-text"]).output
        #expect(server.contains("CN=db.example.com") || server.contains("CN = db.example.com"))
        #expect(server.contains("DNS:db.example.com") && server.contains("IP Address:10.1.2.3"), "\(server)")
        let hostname = try openssl([
            "verify", "-CAfile", file(myCA, "tls.crt"), "-verify_hostname", "db.example.com",
            file(layout.certificate("db-server"), "tls.crt"),
        ])
        #expect(hostname.status == 0, "\(hostname.output)")
        // Not signed by the site's CA.
        let other = try openssl([
            "verify", "-CAfile", file(layout.issuers.appendingPathComponent(SitePlan.siteCA), "tls.crt"),
            file(layout.certificate("db-server"), "tls.crt"),
        ])
        #expect(other.status != 0)

        let expiration = try #require(outcome.expirations[CertificateRequest.Location(kind: .leaf, name: "db-server")])
        #expect(expiration > Date().addingTimeInterval(4 * 365 * 24 * 3600))
        #expect(outcome.expirations[CertificateRequest.Location(kind: .authority, name: "my-ca")] != nil)

        // Ensured again: nothing changes. A new subject: the CA and what it signed are made anew.
        let again = try SiteCertificates(layout: layout).ensure(requests)
        #expect(again.generated.isEmpty)
        let renamed = try Self.plan(Self.declared.replacingOccurrences(of: "My Own CA", with: "My Renamed CA")).0.certificates
        let changed = try SiteCertificates(layout: layout).ensure(renamed)
        #expect(Set(changed.generated) == ["my-ca", "db-server", "db-client"], "\(changed.generated)")
    }

    @Test func aSecretOfTheSameNameWins() throws {
        let ca = try CertificateAuthority.generate(commonName: "brought-along")
        let supplied = try ca.issue(commonName: "mine", hosts: ["mine.example"], usage: .server)
        let (plan, _) = try Self.plan(Self.declared)
        let outcome = try SiteCertificates(layout: layout).ensure(plan.certificates, secrets: ["db-server": SecretSpec(data: supplied.secretData)])
        #expect(outcome.copied == ["db-server"])
        #expect(TLSCredentials.load(from: layout.certificate("db-server")) == supplied)
        #expect(outcome.expirations[CertificateRequest.Location(kind: .leaf, name: "db-server")] != nil)
    }

    @Test func aRouterAccessCanUseAUserCertificateAndItsIssuer() throws {
        let text =
            Self.site
            + Self.certificate("access-ca", "{subject: Access CA, signing: true}")
            + Self.certificate("access-server", "{ca: access-ca, subject: public, hosts: [public.example.com], server: true}")
            + "---\napiVersion: skupper.io/v2alpha1\nkind: RouterAccess\nmetadata: {name: public}\n"
            + "spec: {roles: [{name: inter-router, port: 56000}], tlsCredentials: access-server, issuer: access-ca}\n"
        let (plan, _) = try Self.plan(text)
        let requests = plan.certificates
        #expect(requests.filter { $0.name == "access-ca" } == [CertificateRequest(name: "access-ca", kind: .authority, commonName: "Access CA")])
        #expect(
            requests.filter { $0.name == "access-server" } == [
                CertificateRequest(
                    name: "access-server", kind: .leaf, commonName: "public",
                    hosts: ["public.example.com"], issuer: "access-ca")
            ])
        // The link clients' certificate still comes from the access's issuer.
        #expect(requests.contains { $0.name == "client-access-server" && $0.issuer == "access-ca" })
    }

    @Test(arguments: [
        (certificate("skupper-site-ca", "{subject: mine, signing: true}"), "skupper-site-ca", "one of the site's own credentials"),
        (certificate("skupper-local-server", "{ca: skupper-local-ca, subject: x}"), "skupper-local-server", "one of the site's own credentials"),
        (certificate("west", "{ca: skupper-site-ca, subject: x}"), "west", "one of the site's own credentials"),
        (certificate("leaf", "{ca: nowhere, subject: x}"), "leaf", "CA \"nowhere\" (spec.ca) not found"),
        (
            certificate("leaf", "{ca: other-leaf, subject: x}") + certificate("other-leaf", "{ca: skupper-site-ca, subject: y}"), "leaf",
            "Certificate \"other-leaf\" (spec.ca) is not a signing certificate"
        ),
        (
            certificate("leaf", "{ca: bad-ca, subject: x}") + certificate("bad-ca", "{subject: y, signing: true}")
                + certificate("skupper-service-ca", "{subject: z, signing: true}"),
            "skupper-service-ca", "one of the site's own credentials"
        ),
    ])
    func certificatesThatCannotBeMadeSayWhy(extra: String, name: String, message: String) throws {
        let (plan, _) = try Self.plan(Self.site + extra)
        let problem = plan.problem(for: ResourceID(.certificate, name))
        #expect(problem?.contains(message) == true, "\(String(describing: problem))")
        // The site's own credentials are untouched, and what cannot be made is not asked for.
        #expect(plan.certificates.first { $0.name == SitePlan.siteCA } == .authority(SitePlan.siteCA))
        if message.contains("not found") || message.contains("not a signing") { #expect(!plan.certificates.contains { $0.name == name }) }
        _ = try SiteCertificates(layout: layout).ensure(plan.certificates)
    }

    @Test func aSecretCanBeTheCA() throws {
        let ca = try CertificateAuthority.generate(commonName: "secret-ca")
        let text =
            Self.site + Self.certificate("leaf", "{ca: their-ca, subject: x, hosts: [x.example]}")
            + "---\napiVersion: v1\nkind: Secret\nmetadata: {name: their-ca}\nstringData:\n  tls.crt: |\n"
            + ca.certificatePEM.split(separator: "\n").map { "    \($0)\n" }.joined() + "  tls.key: |\n"
            + ca.privateKeyPEM.split(separator: "\n").map { "    \($0)\n" }.joined()
        let (plan, resources) = try Self.plan(text)
        #expect(plan.problem(for: ResourceID(.certificate, "leaf")) == nil)
        #expect(plan.certificates.contains(.authority("their-ca")))
        let secret = try #require(resources.first { $0.kind == .secret }?.secret)
        let outcome = try SiteCertificates(layout: layout).ensure(plan.certificates, secrets: ["their-ca": secret])
        #expect(outcome.problems.isEmpty)
        #expect(ca.signed(certificatePEM: try #require(TLSCredentials.load(from: layout.certificate("leaf"))).certificatePEM))
    }
}
