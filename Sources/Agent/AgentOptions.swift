import Resources

/// How an agent is set up: which namespace directory, which platform, which version to report.
public struct AgentOptions: Sendable {
    public var layout: SiteLayout
    /// The version written into router metadata.
    public var version: String
    /// How long the directory must be quiet before a burst of changes is applied.
    public var debounce: Duration

    public init(layout: SiteLayout, version: String = SkupperVersion.current, debounce: Duration = .milliseconds(20)) {
        self.layout = layout
        self.version = version
        self.debounce = debounce
    }
}

/// This build's version.
public enum SkupperVersion {
    public static let current = "2.1.0-local.0.1.0"
}
