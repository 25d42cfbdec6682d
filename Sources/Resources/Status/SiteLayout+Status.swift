import Foundation
import SiteFiles

extension SiteLayout {
    /// The status file of a resource (`runtime/resources/<Kind>-<name>.yaml`).
    /// Made from the path's text: `appendingPathComponent` asks the file system whether each one is a directory.
    public func statusFile(_ id: ResourceID) -> URL {
        URL(fileURLWithPath: "\(status.path)/\(StatusDocument.fileName(for: id))", isDirectory: false)
    }
}
