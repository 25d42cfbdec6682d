import TextSupport

/// How a site's router runs: the one list of platform names, for `skupperd --platform`, `skupper --platform`,
/// `$SKUPPER_PLATFORM`, the agent's info file and the installed unit's settings.
public enum PlatformKind: String, CaseIterable, Sendable, Hashable {
    /// No router runs: the configuration and certificates are written only.
    case render
    /// skupper-router as a systemd unit on this machine (Skupper v2's `linux`).
    case linux
    case docker
    case podman
    /// The same as `linux` under its systemd name.
    case systemd
    /// skupper-router as the agent's own child process (no systemd, no container engine needed).
    case process

    /// What the agent runs when neither `--platform` nor `$SKUPPER_PLATFORM` says.
    public static let agentDefault = PlatformKind.process
    /// What `skupper system install` configures when nothing says: a system agent runs the router as a unit (as
    /// Skupper v2's system controller does), a user's agent as its child process (skupperd's own default: no
    /// container engine or user manager of units needed).
    public static func installDefault(systemScope: Bool) -> PlatformKind { systemScope ? .linux : .process }
    /// The names a user may give, for help texts and errors.
    public static let choices = "process, linux, docker, podman, systemd or render"

    /// The kind named by `flag`, else by `$SKUPPER_PLATFORM` (empty means unset), else nil; an unknown name (or
    /// `kubernetes`, which this project does not run) is an error that says what is accepted.
    public static func resolve(_ flag: String?, environment: [String: String]) throws(PlatformNameError) -> PlatformKind? {
        let text = flag ?? environment["SKUPPER_PLATFORM"].flatMap { $0.isEmpty ? nil : $0 }
        return try text.map { text throws(PlatformNameError) in try parse(text) }
    }

    /// Parses a platform name (`none` is an older name of `render`).
    public static func parse(_ text: String) throws(PlatformNameError) -> PlatformKind {
        let name = text.lowercased()
        if name == "none" { return .render }
        if name == "kubernetes" {
            throw PlatformNameError(
                "platform kubernetes is not supported here: this skupper manages sites on docker, podman, systemd or linux; use Skupper's own CLI for Kubernetes"
            )
        }
        guard let kind = PlatformKind(rawValue: name) else {
            throw PlatformNameError("platform \(QuotedText.excerpt(text)) is not valid: choose \(choices)")
        }
        return kind
    }
}

/// A platform name that is not one of `PlatformKind`'s.
public struct PlatformNameError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
