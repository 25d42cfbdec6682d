/// The platforms the `--platform` option names.
public enum Platform: String, CaseIterable, Sendable {
    case docker, podman, systemd, linux, kubernetes

    /// Parses a platform name, rejecting `kubernetes` and unknown names with a clear message.
    public static func parse(_ text: String) throws -> Platform {
        guard let platform = Platform(rawValue: text.lowercased()) else {
            throw CLIError("platform \"\(text)\" is not valid: choose docker, podman, systemd or linux")
        }
        if platform == .kubernetes {
            throw CLIError("platform kubernetes is not supported here: this skupper manages sites on docker, podman, systemd or linux; use Skupper's own CLI for Kubernetes")
        }
        return platform
    }
}
