/// The body of `POST /containers/create`: what a container is made from.
public struct ContainerCreateSpec: Sendable, Hashable, Codable {
    /// The image reference.
    public var image: String
    /// `KEY=value` entries, sorted.
    public var env: [String]
    /// Labels on the container.
    public var labels: [String: String]
    /// `uid:gid` the process runs as; nil for the image's default.
    public var user: String?
    /// Host-side settings.
    public var hostConfig: HostConfig

    /// The engine's HostConfig (the fields the router uses).
    public struct HostConfig: Sendable, Hashable, Codable {
        /// `host` for the host's network namespace.
        public var networkMode: String
        /// `source:destination[:options]` bind mounts.
        public var binds: [String]
        /// The engine's restart policy.
        public var restartPolicy: RestartPolicy
        /// `keep-id` for rootless podman; nil otherwise.
        public var usernsMode: String?

        enum CodingKeys: String, CodingKey {
            case networkMode = "NetworkMode", binds = "Binds", restartPolicy = "RestartPolicy", usernsMode = "UsernsMode"
        }

        /// Creates host settings.
        public init(networkMode: String, binds: [String], restartPolicy: RestartPolicy, usernsMode: String? = nil) {
            self.networkMode = networkMode
            self.binds = binds
            self.restartPolicy = restartPolicy
            self.usernsMode = usernsMode
        }
    }

    /// The engine's restart policy (`always`, `unless-stopped`, `no`).
    public struct RestartPolicy: Sendable, Hashable, Codable {
        /// The policy's name.
        public var name: String
        enum CodingKeys: String, CodingKey { case name = "Name" }
        /// Creates a policy.
        public init(name: String) { self.name = name }
    }

    enum CodingKeys: String, CodingKey {
        case image = "Image", env = "Env", labels = "Labels", user = "User", hostConfig = "HostConfig"
    }

    /// Creates a spec.
    public init(image: String, env: [String], labels: [String: String], user: String?, hostConfig: HostConfig) {
        self.image = image
        self.env = env
        self.labels = labels
        self.user = user
        self.hostConfig = hostConfig
    }
}
