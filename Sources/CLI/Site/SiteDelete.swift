import ArgumentParser
import Foundation
import Resources

/// `skupper site delete [name]`: removes the Site (or, with `--all`, every resource file of the namespace).
public struct SiteDelete: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a site.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the site (default: the namespace's site).") public var name: String?
    @Flag(help: "Delete all skupper resources associated with the site in the current namespace.") public var all = false

    public init() {}

    public func validate() throws {
        if let name { try Names.validate(name, "site name") }
    }

    public func run() throws {
        let site = global.site
        // The named Site (a second one a file holds included), else the namespace's.
        let sites = site.entries(of: .site).filter { !$0.generated }
        let current = name.map { name in sites.first { $0.resource.name == name }?.resource } ?? site.site()
        if let name, current == nil { throw CLIError("site \(name) does not exist in \(global.whereLooked)") }
        if all {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: site.layout.inputResources.path)) ?? []).filter(ResourceLoader.isResourceFile)
            guard current != nil || !files.isEmpty else { throw CLIError("there is no existing Skupper site resource to delete in \(global.whereLooked)") }
            for file in files { try FileManager.default.removeItem(at: site.layout.inputResources.appendingPathComponent(file)) }
            Console.out("Removed \(files.count) resource file\(files.count == 1 ? "" : "s") from \(site.layout.inputResources.path)")
            return
        }
        guard let current, let entry = site.entry(current.id) else {
            throw CLIError("there is no existing Skupper site resource to delete in \(global.whereLooked)")
        }
        try site.remove(entry)
        Console.out("Site \"\(current.name)\" deleted (\(entry.file.path) removed).")
    }
}
