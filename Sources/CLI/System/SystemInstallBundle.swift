import ArgumentParser
import Foundation
import Resources
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// `skupper system install-bundle <bundle>`: what a bundle's `install.sh` runs. Checks the whole bundle first (its
/// manifest, every file's digest, nothing but files and directories, nothing outside the namespace's directories),
/// then lays the site out in the namespace's directory in one rename, records the platform where Skupper v2 reads
/// it, and installs and starts the agent's unit, which returns once the site is Ready.
public struct SystemInstallBundle: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "install-bundle",
        abstract: "Install a bundle made by skupper system generate-bundle (what its install.sh runs)",
        shouldDisplay: false)

    @Argument(help: "The bundle: a .tar.gz, a self-extracting .sh, or the directory a tarball was extracted into.")
    public var bundle: String

    @Option(name: .shortAndLong, help: "The namespace to install the site as (default: the bundle's).")
    public var namespace: String?

    @Option(name: .shortAndLong, help: "The platform (default: the bundle's).")
    public var platform: String?

    @Option(help: "A custom configuration directory for the site, in place of the namespace's.")
    public var configDir: String?

    @Option(help: "The service manager: system (the default for root) or user.")
    public var scope: String?

    @Flag(help: "Show what would be done, and do nothing.")
    public var dryRun = false

    @Option(help: .hidden)
    public var expectManifest: String?

    public init() {}

    public func validate() throws {
        if let namespace, !ObjectMeta.isValidName(namespace) || namespace.contains(".") {
            throw ValidationError("namespace is not valid: \"\(namespace)\" must be a lowercase RFC 1123 label")
        }
        if let platform { do { _ = try PlatformKind.parse(platform) } catch { throw ValidationError("--platform: \(error)") } }
    }

    public func run() throws {
        let archive = try BundleArchive.open(URL(fileURLWithPath: bundle), expectedManifest: expectManifest)
        let manifest = archive.manifest
        let namespace = namespace ?? manifest.namespace
        let platform = try PlatformKind.parse(platform ?? manifest.platform)
        let layout =
            configDir.map { SiteLayout(root: URL(fileURLWithPath: $0).standardizedFileURL, namespace: namespace) } ?? SiteLayout.standard(namespace: namespace)
        let site = manifest.site ?? namespace
        if Self.isDefined(layout) {
            throw CLIError(
                "namespace \"\(namespace)\" is already defined at \(layout.root.path): nothing was installed",
                hints: ["Remove its site first (skupper system teardown -n \(namespace)), or install the bundle as another namespace with -n"])
        }
        var arguments = ["-n", namespace, "-p", platform.rawValue]
        if let configDir { arguments += ["--config-dir", URL(fileURLWithPath: configDir).standardizedFileURL.path] }
        if let scope { arguments += ["--scope", scope] }
        let systemd = AgentCheck.systemdRuns
        if dryRun {
            let counts = Dictionary(grouping: manifest.files.keys) { relative in BundleContents.carried.first { relative.hasPrefix($0 + "/") } ?? "" }
            Console.out("Would install site \"\(site)\" (namespace \(namespace), platform \(platform.rawValue)) into \(layout.root.path):")
            for directory in BundleContents.carried where counts[directory] != nil {
                Console.out("  \(directory): \(counts[directory]?.count ?? 0) files")
            }
            Console.out("Would write \(V2PlatformFile.url(layout).path)")
            if systemd {
                Console.out("Would run: skupper system install \(arguments.joined(separator: " ")) && skupper system start \(arguments.joined(separator: " "))")
            } else {
                Console.out("Would not start the agent: systemd does not run here")
            }
            return
        }
        try Self.layOut(archive.contents, at: layout.root)
        try V2PlatformFile.write(layout, platform: platform)
        Console.out("Site \"\(site)\" installed into \(layout.root.path) (namespace \(namespace), platform \(platform.rawValue))")
        guard systemd else {
            let start = "skupperd --namespace \(namespace) --platform \(platform.rawValue)" + (configDir.map { " --config-dir \($0)" } ?? "")
            Console.out("systemd does not run here: start the agent itself (it runs the router as its child): \(start)")
            return
        }
        let install = try SystemInstall.parse(arguments)
        try install.run()
        let start = try SystemStart.parse(arguments)
        try start.run()
    }

    /// Renames `source` to `target`, or where `target` is a directory already (a namespace directory with empty
    /// input directories, as commands make them), what `source` holds into it.
    static func moveContents(of source: URL, into target: URL) throws {
        var info = stat()
        guard lstat(target.path, &info) == 0 else {
            guard rename(source.path, target.path) == 0 else {
                throw CLIError("cannot put the site in place at \(target.path): \(String(cString: strerror(errno)))")
            }
            return
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw CLIError("cannot put the site in place: \(target.path) is not a directory") }
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try moveContents(of: source.appendingPathComponent(name), into: target.appendingPathComponent(name))
        }
    }

    /// Whether the namespace already has a site: resource files, or what an agent made.
    static func isDefined(_ layout: SiteLayout) -> Bool {
        !SystemGenerateBundle.sources(layout.inputResources).isEmpty || FileManager.default.fileExists(atPath: layout.runtime.path)
    }

    /// Copies the checked files into a private directory beside `root`, then renames it into place: a site is there
    /// whole or not at all. Directories are owner-only, and so are files (they hold keys), whatever the umask.
    static func layOut(_ contents: [String: Data], at root: URL) throws {
        let parent = root.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(root.lastPathComponent).installing-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            for (relative, data) in contents.sorted(by: { $0.key < $1.key }) {
                let target = staging.appendingPathComponent(relative)
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                guard FileManager.default.createFile(atPath: target.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError("cannot write \(target.path)")
                }
                chmod(target.path, 0o600)
            }
            try moveContents(of: staging, into: root)
            try? FileManager.default.removeItem(at: staging)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }
}
