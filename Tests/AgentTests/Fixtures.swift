import Certificates
import RouterRendering
import SiteFiles
import TestSupport

/// Resource YAML used by the agent tests.
enum Fixtures {
    static let site = ResourceYAML.site()

    static func grant(_ name: String, allowed: Int = 1) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: AccessGrant
        metadata:
          name: \(name)
        spec:
          redemptionsAllowed: \(allowed)
        """
    }
}

/// A renderer as the render-only platform's, for stage tests.
enum RouterConfigRendererFixture {
    static func renderer(_ layout: SiteLayout) -> RouterConfigRenderer {
        RouterConfigRenderer(platform: "linux", sslProfileBasePath: layout.root.path, version: SkupperVersion.current)
    }
}

/// Credentials for a grant server on loopback.
enum CertificatesFixture {
    static func serverCredentials() throws -> TLSCredentials {
        let ca = try CertificateAuthority.generate(commonName: "test-ca")
        return try ca.issue(commonName: "skupper-grant-server", hosts: ["127.0.0.1"], usage: .server)
    }
}
