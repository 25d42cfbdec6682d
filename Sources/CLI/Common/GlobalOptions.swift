import ArgumentParser
import Foundation
import Resources
import SiteFiles

/// The options every command takes: which namespace, which platform, and where its directory is.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Set the namespace.")
    public var namespace: String = "default"

    @Option(name: [.customLong("platform"), .customShort("p")],
            help: "Set the platform type to use [\(PlatformKind.choices)]. Default: $SKUPPER_PLATFORM, else what `skupper system install` configured (linux for the system agent, podman for a user's).")
    public var platform: String?

    @Option(name: .customLong("config-dir"),
            help: "The namespace directory, overriding the default location (also $SKUPPER_CONFIG_DIR).")
    public var configDir: String?

    public init() {}

    public func validate() throws {
        guard ObjectMeta.isValidName(namespace), !namespace.contains(".") else {
            throw ValidationError("namespace is not valid: \"\(namespace)\" must be a lowercase RFC 1123 label")
        }
        _ = try platformKind
    }

    /// The platform named by --platform or $SKUPPER_PLATFORM, if any.
    public var platformKind: PlatformKind? {
        get throws { try PlatformKind.resolve(platform, environment: ProcessInfo.processInfo.environment) }
    }

    /// The namespace directory the command works in.
    public var layout: SiteLayout {
        let environment = ProcessInfo.processInfo.environment
        if let dir = configDir ?? environment["SKUPPER_CONFIG_DIR"].flatMap({ $0.isEmpty ? nil : $0 }) {
            return SiteLayout(root: URL(fileURLWithPath: dir), namespace: namespace)
        }
        return SiteLayout.standard(namespace: namespace, environment: environment)
    }

    /// The namespace's files.
    public var site: SiteDirectory { SiteDirectory(layout: layout) }
}
