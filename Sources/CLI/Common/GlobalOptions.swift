import ArgumentParser
import Foundation
import Resources
import SiteFiles

/// The options every command takes: which namespace, which platform, and where its directory is.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Set the namespace.")
    public var namespace: String = "default"

    @Option(
        name: [.customLong("platform"), .customShort("p")],
        help:
            "Set the platform type to use [\(PlatformKind.choices)], for `system install` and `system status`; other commands accept it, as Skupper v2's do, and need no platform. Default: $SKUPPER_PLATFORM, else what the running agent uses, else process (linux for the system manager's agent)."
    )
    public var platform: String?

    @Option(
        name: .customLong("config-dir"),
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

    /// The directory named by --config-dir or $SKUPPER_CONFIG_DIR, if any.
    var namedDirectory: String? {
        configDir ?? ProcessInfo.processInfo.environment["SKUPPER_CONFIG_DIR"].flatMap({ $0.isEmpty ? nil : $0 })
    }

    /// The namespace directory the command works in.
    public var layout: SiteLayout {
        if let dir = namedDirectory { return SiteLayout(root: URL(fileURLWithPath: dir), namespace: namespace) }
        return SiteLayout.standard(namespace: namespace, environment: ProcessInfo.processInfo.environment)
    }

    /// The namespace's files.
    public var site: SiteDirectory { SiteDirectory(layout: layout) }

    /// The namespace's agent: whether it runs, and how to start it.
    public var agent: AgentCheck { AgentCheck(layout: layout, namespace: namespace, namedDirectory: namedDirectory != nil) }

    /// Where a namespace without a Site was looked for, for "no site" messages.
    public var whereLooked: String { "namespace \"\(namespace)\" (\(layout.inputResources.path))" }
}
