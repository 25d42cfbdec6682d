import Foundation
import SiteFiles

/// A namespace directory under the temporary directory with its layout created, removed when the value goes away.
public final class ScratchNamespace: Sendable {
    public let root: URL
    public let layout: SiteLayout

    public init(_ prefix: String, namespace: String = "default") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        layout = SiteLayout(root: root, namespace: namespace)
        try layout.createDirectories()
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}
