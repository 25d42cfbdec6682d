import ArgumentParser
import Foundation
import Resources

/// `skupper system apply -f <file|->`: writes resources into the namespace's input/resources, as Skupper v2 does.
public struct SystemApply: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update resources using files or standard input.",
        discussion: """
            Create or update resources using files or standard input. Each resource is written to \
            <config-dir>/input/resources/<Kind>-<name>.yaml (or to the file that already holds it alone), where the \
            agent picks it up. Every document is checked first: when one is not valid, nothing is written.

            Examples:
              skupper system apply -f ~/my-site.yaml
              skupper link generate | skupper system apply -f -
            """)

    @OptionGroup public var global: GlobalOptions

    @Option(name: [.customShort("f"), .customLong("filename")], help: "The name of the file with custom resources")
    public var filename: String?

    public init() {}

    public func run() throws {
        let input = try ResourceInput.read(
            filename, missing: "You need to provide a file to apply or use standard input.",
            example: " Example: cat site.yaml | skupper system apply -f -")
        input.printWarnings()
        let site = global.site
        let existing = site.entries().filter { !$0.generated }
        // Where each resource goes is decided before anything is written: a conflict changes nothing.
        var plan: [(resource: Resource, file: URL)] = []
        for resource in input.ordered {
            if let entry = existing.first(where: { $0.resource.id == resource.id }) {
                plan.append((resource, try site.updateTarget(entry)))
            } else {
                plan.append((resource, site.inputFile(resource.id)))
            }
        }
        // One Site per namespace, the rule `site create` and the agent apply: a second one is refused, nothing written.
        let sites = Set(plan.filter { $0.resource.kind == .site }.map(\.resource.name))
            .union(existing.filter { $0.resource.kind == .site }.map(\.resource.name)).sorted()
        if sites.count > 1, let applied = plan.first(where: { $0.resource.kind == .site && $0.resource.name != sites[0] })?.resource {
            throw CLIError(
                "Site \"\(applied.name)\" cannot be applied: \(SitePlan.secondSite(active: sites[0])) (\(global.whereLooked))",
                hints: ["Nothing was written. Delete the other Site first (skupper site delete \(sites[0])), or apply to another namespace with -n."])
        }
        for (resource, file) in plan {
            let written = try site.write(resource, to: file)
            Console.out("File written to \(written.path)")
            Console.out("\(resource.kind.rawValue) \(resource.name) added")
        }
        if !plan.isEmpty { Console.out("Custom resources are applied.") }
    }
}
