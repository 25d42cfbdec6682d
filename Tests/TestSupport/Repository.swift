import Foundation

/// The repository the tests run from: its scripts, packaging and units.
public enum Repository {
    /// The repository's root directory (this file is Tests/TestSupport/Repository.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file or directory in the repository, by its path from the root.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}
