import FoundationEssentials
import Resources
import SiteFiles

/// The embedded default: a small site for trying the agent out in an empty directory.
enum ExampleSite {
    static let yaml = """
        # An example site written by `skupperd --example`. Edit or delete it; the agent follows.
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata:
          name: example
        spec:
          linkAccess: default
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata:
          name: backend
        spec:
          host: 127.0.0.1
          port: 8080
          routingKey: backend
        """

    /// Writes `example-site.yaml` unless the input directory already holds resource files.
    static func seed(_ layout: SiteLayout) throws {
        try PrivateDirectory.create(layout.inputResources, enforce: false)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: layout.inputResources.path)) ?? []
        guard !existing.contains(where: ResourceLoader.isResourceFile) else { return }
        try AtomicFile.write(yaml + "\n", to: layout.inputResources.appendingPathComponent("example-site.yaml"))
    }
}
