import FoundationEssentials

/// The engine's answer to `GET /containers/{name}/json` (the fields the platform uses).
public struct ContainerInspection: Sendable, Hashable, Decodable {
    /// The container id.
    public var id: String
    /// The container name, with the engine's leading `/`.
    public var name: String
    /// Create-time configuration.
    public var config: Config
    /// Run-time state.
    public var state: State
    /// Host-side settings.
    public var hostConfig: HostConfig
    /// Mounts as the engine made them.
    public var mounts: [Mount]

    /// The container's configuration.
    public struct Config: Sendable, Hashable, Decodable {
        /// The image reference it was created from.
        public var image: String
        /// `KEY=value` entries, including the image's own.
        public var env: [String]
        /// Its labels.
        public var labels: [String: String]
        /// The user it runs as.
        public var user: String?

        enum CodingKeys: String, CodingKey { case image = "Image", env = "Env", labels = "Labels", user = "User" }

        /// Decodes the engine's JSON (absent lists are empty).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            image = try container.decodeIfPresent(String.self, forKey: .image) ?? ""
            env = try container.decodeIfPresent([String].self, forKey: .env) ?? []
            labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
            user = try container.decodeIfPresent(String.self, forKey: .user)
        }
    }

    /// The container's run state.
    public struct State: Sendable, Hashable, Decodable {
        /// `created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`.
        public var status: String
        /// Whether its process runs.
        public var running: Bool
        /// Whether the engine is restarting it.
        public var restarting: Bool
        /// The last exit code.
        public var exitCode: Int
        /// The engine's error text, if any.
        public var error: String
        /// When it was last started (RFC 3339 with nanoseconds).
        public var startedAt: String
        /// When it last stopped.
        public var finishedAt: String

        enum CodingKeys: String, CodingKey {
            case status = "Status", running = "Running", restarting = "Restarting", exitCode = "ExitCode", error = "Error"
            case startedAt = "StartedAt", finishedAt = "FinishedAt"
        }

        /// Decodes the engine's JSON.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decodeIfPresent(String.self, forKey: .status) ?? ""
            running = try container.decodeIfPresent(Bool.self, forKey: .running) ?? false
            restarting = try container.decodeIfPresent(Bool.self, forKey: .restarting) ?? false
            exitCode = try container.decodeIfPresent(Int.self, forKey: .exitCode) ?? 0
            error = try container.decodeIfPresent(String.self, forKey: .error) ?? ""
            startedAt = try container.decodeIfPresent(String.self, forKey: .startedAt) ?? ""
            finishedAt = try container.decodeIfPresent(String.self, forKey: .finishedAt) ?? ""
        }
    }

    /// The container's host settings.
    public struct HostConfig: Sendable, Hashable, Decodable {
        /// The network mode (`host`).
        public var networkMode: String
        /// The bind mounts as requested.
        public var binds: [String]

        enum CodingKeys: String, CodingKey { case networkMode = "NetworkMode", binds = "Binds" }

        /// Decodes the engine's JSON.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            networkMode = try container.decodeIfPresent(String.self, forKey: .networkMode) ?? ""
            binds = try container.decodeIfPresent([String].self, forKey: .binds) ?? []
        }
    }

    /// One mount of the container.
    public struct Mount: Sendable, Hashable, Decodable {
        /// `bind` or `volume`.
        public var type: String
        /// The host path.
        public var source: String
        /// The path inside the container.
        public var destination: String
        enum CodingKeys: String, CodingKey { case type = "Type", source = "Source", destination = "Destination" }
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", config = "Config", state = "State", hostConfig = "HostConfig", mounts = "Mounts"
    }

    /// Decodes the engine's JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        config = try container.decode(Config.self, forKey: .config)
        state = try container.decode(State.self, forKey: .state)
        hostConfig = try container.decode(HostConfig.self, forKey: .hostConfig)
        mounts = try container.decodeIfPresent([Mount].self, forKey: .mounts) ?? []
    }
}
