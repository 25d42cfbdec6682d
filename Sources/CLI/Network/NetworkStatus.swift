import ArgumentParser
import Foundation
import Resources
import SiteFiles
import Yams

/// `skupper network status`: every site of the network with its links, and every service with where its listeners
/// and connectors are, read from the network status the agent writes (v2's `skupper-network-status` ConfigMap).
public struct NetworkStatus: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Shows information about the current site, and connected sites.",
        discussion: """
            Lists the sites of the network (name, id, namespace, platform, version), the links between them, and the \
            services exposed through Skupper with the sites of their listeners and connectors, as this site's agent \
            last wrote them to <config-dir>/runtime/resources/ConfigMap-skupper-network-status.yaml.
            """)

    @OptionGroup public var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Filter by a specific site name.")
    public var site: String?
    @Flag(name: .shortAndLong, help: "More detailed output about the network topology.")
    public var verbose = false
    @Option(name: .shortAndLong, help: "Print the network as Skupper v2's site records instead of tables. Choices: yaml, json.")
    public var output: OutputFormat?

    public init() {}

    /// The file the agent writes the network to, named as Skupper v2's nonkube controller names it.
    public static let fileName = "ConfigMap-skupper-network-status.yaml"

    public func run() throws {
        let directory = global.site, agent = global.agent
        try agent.requireReadable()
        let file = global.layout.status.appendingPathComponent(Self.fileName)
        guard agent.presence == .held else {
            throw CLIError(
                "The network status is not available: the agent is not running for namespace \"\(global.namespace)\" (\(global.layout.root.path))",
                hints: ["Start it: \(agent.startCommand)"])
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw CLIError(
                    "The network status is not available yet: is the site running? (no \(file.path))",
                    hints: ["See the site's status: skupper site status\(agent.selection)"])
            }
            throw FileErrorText.cliError("cannot read \(file.path)", error, path: file.path)
        }
        let info: NetworkStatusInfo
        do { info = try NetworkStatusInfo.parse(configMap: data) } catch {
            throw CLIError("the network status in \(file.path) is not valid: \(TerminalText.safe(error.reason))")
        }
        let localSiteId = directory.site().flatMap { directory.status($0.id)?.uid }
        var overview = NetworkOverview(info, localSiteId: localSiteId)
        if let site {
            overview = overview.filtered(site: site)
            guard !overview.sites.isEmpty else {
                throw CLIError("there is no site named \"\(TerminalText.safe(site))\" in the network status (\(file.path))")
            }
        }
        if let output {
            Console.outRaw(overview.records(output))
            return
        }
        Console.outRaw(overview.text(verbose: verbose))
    }
}
