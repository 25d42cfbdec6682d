import FoundationEssentials
import SiteFiles

extension SiteLayout {
    /// The status file of a resource (`runtime/resources/<Kind>-<name>.yaml`).
    public func statusFile(_ id: ResourceID) -> URL { status.appendingPathComponent(StatusDocument.fileName(for: id)) }
}
