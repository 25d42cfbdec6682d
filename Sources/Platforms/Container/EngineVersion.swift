/// The engine's answer to `GET /version` (the fields the client uses).
public struct EngineVersion: Sendable, Hashable, Decodable {
    /// The engine's release, e.g. `20.10.24+dfsg1` or `4.3.1`.
    public var version: String
    /// The newest API version the engine serves, e.g. `1.41`.
    public var apiVersion: String
    /// The oldest API version the engine serves.
    public var minAPIVersion: String?
    /// The engine components' names (podman reports "Podman Engine").
    public var componentNames: [String]

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion", components = "Components"
    }

    struct Component: Decodable { var Name: String }

    /// Decodes the engine's JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decodeIfPresent(String.self, forKey: .version) ?? ""
        apiVersion = try container.decode(String.self, forKey: .apiVersion)
        minAPIVersion = try container.decodeIfPresent(String.self, forKey: .minAPIVersion)
        componentNames = (try container.decodeIfPresent([Component].self, forKey: .components) ?? []).map(\.Name)
    }

    /// Whether the engine is podman's Docker-compatible service.
    public var isPodman: Bool { componentNames.contains { $0.lowercased().contains("podman") } }

    /// The API version to use: the lower of the engine's newest and `ceiling`.
    public func negotiated(ceiling: String) -> String {
        Self.compare(apiVersion, ceiling) < 0 ? apiVersion : ceiling
    }

    /// Compares dotted version numbers numerically (`1.9` < `1.41`).
    public static func compare(_ a: String, _ b: String) -> Int {
        let left = a.split(separator: ".").map { Int($0) ?? 0 }
        let right = b.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(left.count, right.count) {
            let l = index < left.count ? left[index] : 0
            let r = index < right.count ? right[index] : 0
            if l != r { return l < r ? -1 : 1 }
        }
        return 0
    }
}
