import ArgumentParser
import Foundation
import Resources

/// `skupper system delete -f <file|->`: removes the resources named in a file from input/resources, as Skupper v2 does.
public struct SystemDelete: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete resources using files or standard input.",
        discussion: """
            Delete resources using files or standard input. Each resource named in the input (by kind and name) has \
            its file removed from <config-dir>/input/resources, and the running agent applies the change at once; one \
            that is not there is reported and skipped, and the command then exits with status 1.
            """)

    @OptionGroup public var global: GlobalOptions

    @Option(name: [.customShort("f"), .customLong("filename")], help: "The name of the file with custom resources")
    public var filename: String?

    public init() {}

    public func run() throws {
        let input = try ResourceInput.read(
            filename, missing: "You need to provide a file to delete custom resources or use standard input.",
            example: " Example: cat site.yaml | skupper system delete -f -")
        input.printWarnings()
        let site = global.site
        var deleted = false, missing = 0
        for resource in input.ordered {
            let what = "\(resource.kind.lowercased) \"\(resource.name)\""
            guard let entry = site.entries().first(where: { !$0.generated && $0.resource.id == resource.id }) else {
                Console.err("Error while deleting \(what): there is no \(resource.kind.rawValue) \"\(resource.name)\" in \(site.layout.inputResources.path)")
                missing += 1
                continue
            }
            do {
                try site.remove(entry)
            } catch let error as CLIError {
                Console.err("Error while deleting \(what): \(error.message)")
                missing += 1
                continue
            }
            deleted = true
            Console.out("\(resource.kind.rawValue) \(resource.name) deleted")
        }
        // The agent applies the change as the files go: nothing to reload.
        if deleted { Console.out("Custom resources deleted.") }
        if missing > 0 { throw ExitCode(1) }
    }
}
