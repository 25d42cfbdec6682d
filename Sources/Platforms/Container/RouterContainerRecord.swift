import FoundationEssentials
import SiteFiles

/// Which container last started with which configuration, kept in `runtime/state/router-container.json` so that
/// an agent restart with nothing changed does not restart the router. (Container labels cannot change after
/// creation, so the configuration digest a running container saw is recorded here.)
public struct RouterContainerRecord: Sendable, Hashable, Codable {
    /// The container's id.
    public var containerId: String
    /// ``RouterContainer/configHash(layout:)`` when it was last (re)started.
    public var configHash: String

    /// Creates a record.
    public init(containerId: String, configHash: String) {
        self.containerId = containerId
        self.configHash = configHash
    }

    /// The record's file.
    public static func file(_ layout: SiteLayout) -> URL { layout.state.appendingPathComponent("router-container.json") }

    /// The saved record, if any.
    public static func load(_ layout: SiteLayout) -> RouterContainerRecord? {
        guard let data = try? Data(contentsOf: file(layout)) else { return nil }
        return try? JSONDecoder().decode(RouterContainerRecord.self, from: data)
    }

    /// Saves the record atomically.
    public func save(_ layout: SiteLayout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try PrivateDirectory.create(layout.state)
        _ = try AtomicFile.write(encoder.encode(self), to: Self.file(layout), mode: 0o600)
    }

    /// Removes the record.
    public static func remove(_ layout: SiteLayout) {
        try? FileManager.default.removeItem(at: file(layout))
    }
}
