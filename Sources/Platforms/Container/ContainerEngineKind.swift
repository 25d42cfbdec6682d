import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The container engines the router can run on: Docker, or Podman through its Docker-compatible API.
public enum ContainerEngineKind: String, Sendable, Hashable, CaseIterable {
    case docker
    case podman

    /// The engine's socket: `explicit` (`--container-socket`), else `CONTAINER_ENDPOINT` or `DOCKER_HOST`
    /// (unix:// only), else the engine's default (`/var/run/docker.sock`; `$XDG_RUNTIME_DIR/podman/podman.sock`,
    /// or `/run/podman/podman.sock` as root).
    public func socketPath(
        explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        isRoot: Bool = getuid() == 0
    ) throws -> String {
        if let explicit, !explicit.isEmpty { return try Self.unixPath(explicit, source: "--container-socket") }
        for key in ["CONTAINER_ENDPOINT", "DOCKER_HOST"] {
            if let value = environment[key], !value.isEmpty { return try Self.unixPath(value, source: key) }
        }
        switch self {
        case .docker:
            return "/var/run/docker.sock"
        case .podman:
            if isRoot { return "/run/podman/podman.sock" }
            if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/podman/podman.sock" }
            return "/run/user/\(getuid())/podman/podman.sock"
        }
    }

    /// The socket path of a `unix://PATH` endpoint or a plain absolute path.
    static func unixPath(_ endpoint: String, source: String) throws -> String {
        if endpoint.hasPrefix("unix://") {
            let path = String(endpoint.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { throw EngineError(.unsupported, "\(source): \"\(endpoint)\" is not an absolute unix socket path") }
            return path
        }
        if endpoint.hasPrefix("/") { return endpoint }
        throw EngineError(.unsupported, "\(source): \"\(endpoint)\" is not supported (only unix:// sockets are)")
    }
}
