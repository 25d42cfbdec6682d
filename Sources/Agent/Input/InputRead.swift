import FoundationEssentials
import HostSupport
import Resources

/// One read of input files: started on the loop, parsed off it, applied on it. Reads are numbered as they
/// start; a file's result is applied only if no later read of that file was applied first.
struct InputRead: Sendable {
    var serial: Int
    var names: [String]
    /// The whole directory was read (every status is decided again).
    var full: Bool
    /// Why, for the log (nil for the watcher's ordinary changes).
    var reason: String?
    /// Each file's parse result; nil where the file is gone or is not a resource file.
    var results: [Result<ResourceLoader.FileContents, ResourceError>?] = []

    /// Reads and parses the files on threads of their own (all cores), never on the cooperative pool; nil when
    /// the reading task was cancelled (the agent is stopping).
    func parse(in directory: URL) async -> InputRead? {
        let names = names
        guard
            let results = try? await Offload.run({
                Offload.map(names.count) { index in Self.parse(names[index], in: directory) }.map { $0 ?? nil }
            })
        else { return nil }
        var read = self
        read.results = results
        return read
    }

    /// Reads and parses one input file; nil when it is gone or is not a resource file.
    static func parse(_ name: String, in directory: URL) -> Result<ResourceLoader.FileContents, ResourceError>? {
        guard ResourceLoader.isResourceFile(name) else { return nil }
        do throws(ResourceError) {
            return try ResourceLoader.load(name, in: directory, displayName: "input/resources/\(name)").map { .success($0) }
        } catch {
            return .failure(error)
        }
    }
}
