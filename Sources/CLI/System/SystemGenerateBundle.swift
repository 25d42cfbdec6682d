import ArgumentParser
import Foundation
import HostSupport
import Resources
import SiteFiles

/// `skupper system generate-bundle <bundle-file>`: the namespace's site as a bundle another machine installs, as
/// Skupper v2's command makes one (a tarball with `install.sh`, or a self-extracting shell script).
public struct SystemGenerateBundle: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate-bundle",
        abstract: "Generate a bundle",
        discussion: """
            Generates a bundle of the namespace's site (its input resources, and the identity its agent made: the \
            site id, its CAs and certificates, its redeemed links) written to <data home>/bundles/<bundle-file>.tar.gz \
            (or .sh), where <data home> is /var/lib/skupper for root and ~/.local/share/skupper otherwise; a name \
            with a / is written where it says. On the other machine, ./install.sh (in the tarball, or the script \
            itself) checks the whole bundle, lays the site out in its namespace directory, and installs and starts \
            skupperd@<namespace>.service; --dry-run shows what it would do.
            """)

    @OptionGroup public var options: SystemOptions

    @Argument(help: "The bundle's file name (without .tar.gz or .sh).")
    public var bundleName: String?

    @Option(help: "The bundle's type: tarball or shell-script.")
    public var type: String = BundleType.tarball.rawValue

    @Option(help: "The location of the Skupper resources defining the site.")
    public var input: String?

    @Option(help: "A skupper-local Debian package to carry in the bundle, installed where the other machine has none.")
    public var package: String?

    public init() {}

    public func validate() throws {
        guard let bundleName, !bundleName.isEmpty else { throw ValidationError("You need to specify a name for the bundle file to generate.") }
        guard BundleType(rawValue: type) != nil else {
            throw ValidationError("bundle type is not valid: value \(type) not allowed. It should be one of this options: [tarball shell-script]")
        }
        if let platform = try options.global.platformKind, V2PlatformFile.v2Name(platform) == nil {
            throw ValidationError("--platform \(platform.rawValue): a bundle is for a platform that runs a router (podman, docker, linux, systemd or process)")
        }
        if let package, !package.hasSuffix(".deb") { throw ValidationError("--package: \(package) is not a Debian package (.deb)") }
    }

    public func run() throws {
        let layout = options.layout
        let namespace = options.namespace
        var inputDirectory: URL?
        if let input {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("The input path \(input) does not exist or is not a directory")
            }
            if !Self.sources(layout.inputResources).isEmpty {
                throw CLIError("Input path has been provided, but namespace \(namespace) has input sources defined at: \(layout.inputResources.path)")
            }
            inputDirectory = URL(fileURLWithPath: input).standardizedFileURL
        }
        let resources = inputDirectory ?? layout.inputResources
        guard !Self.sources(resources).isEmpty else { throw CLIError("No sources found at: \(resources.path)") }
        var loaded: [Resource] = []
        for name in Self.sources(resources).sorted() {
            do {
                loaded += try ResourceLoader.load(name, in: resources, displayName: name)?.resources ?? []
            } catch {
                throw CLIError("the site's resources cannot be bundled: \(error)")
            }
        }
        guard let site = loaded.first(where: { $0.kind == .site }) else {
            throw CLIError("no Site is defined in \(resources.path): a bundle installs a site")
        }
        let platform = try options.global.platformKind ?? AgentInfo.read(layout).flatMap { try? PlatformKind.parse($0.platform) } ?? .podman
        guard let platformName = V2PlatformFile.v2Name(platform) else {
            throw CLIError("the namespace runs on the \(platform.rawValue) platform, which runs no router: name one with --platform")
        }
        let kind = BundleType(rawValue: type) ?? .tarball
        let output = Self.outputPath(bundleName ?? "", type: kind, layout: layout)
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Read once: the digests are of the bytes the bundle carries.
        var contents: [String: Data] = [:]
        for file in try BundleContents.files(in: layout.root, input: inputDirectory) { contents[file.relative] = try Data(contentsOf: file.url) }
        let digests = contents.mapValues(BundleManifest.digest)
        let packageURL = package.map { URL(fileURLWithPath: $0) }
        var packageDigest: String?
        if let packageURL {
            do { packageDigest = BundleManifest.digest(try Data(contentsOf: packageURL)) } catch {
                throw CLIError("--package: cannot read \(packageURL.path): \(FileErrorText.describe(error))")
            }
        }
        let manifest = BundleManifest(
            format: BundleManifest.currentFormat, namespace: namespace, platform: platform == .process ? "process" : platformName, site: site.name,
            created: UTCTimestamp.string(Date()), files: digests, package: packageURL?.lastPathComponent, packageDigest: packageDigest)
        let manifestData = try JSONEncoder.sorted.encode(manifest)
        let manifestDigest = BundleManifest.digest(manifestData)
        let script = InstallScript.text(
            site: site.name, namespace: namespace, platform: manifest.platform, manifestDigest: manifestDigest, packageDigest: packageDigest)
        try BundleArchive.write(
            contents: contents, namespace: namespace, manifest: manifestData, installScript: script, type: kind, package: packageURL, to: output)
        Console.out("Installation bundle available at: \(output.path)")
        Console.out("Default namespace: \(namespace)")
        Console.out("Default platform: \(manifest.platform)")
    }

    static func sources(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter(ResourceLoader.isResourceFile)
    }

    /// v2's place for bundles, `<data home>/bundles/<name><extension>`; a name with a / is a path of its own.
    static func outputPath(_ name: String, type: BundleType, layout: SiteLayout) -> URL {
        let file = name.hasSuffix(type.fileExtension) ? name : name + type.fileExtension
        if name.contains("/") { return URL(fileURLWithPath: file).standardizedFileURL }
        let standard = SiteLayout.standard(namespace: layout.namespace)
        return standard.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("bundles").appendingPathComponent(file)
    }
}
