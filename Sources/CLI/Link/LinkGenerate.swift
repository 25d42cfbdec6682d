import ArgumentParser
import Foundation
import Resources

/// `skupper link generate`: prints a Secret and a Link that let a remote site link to this one, made from this
/// site's link-access client certificate (`runtime/certs/client-<access>`) and the endpoints in its status.
public struct LinkGenerate: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a new link resource as a YAML output.",
        discussion: "Apply the output at a remote site (save it into its input/resources directory) to link it to this site.")

    @OptionGroup public var global: GlobalOptions
    @Option(help: "The router access to link to (default: the first with link access).") public var name: String?
    @Option(help: "The endpoint host the remote site connects to (default: the one in the site status, else 127.0.0.1).")
    public var host: String?
    @Option(help: "The configured \"expense\" of sending traffic over the link.") public var cost: Int = 1
    @Option(name: .shortAndLong, help: "Output format. Choices: yaml, json.") public var output: OutputFormat = .yaml

    public init() {}

    public func validate() throws {
        if let host { try Names.validateHost(host) }
        guard cost >= 1 else { throw ValidationError("link cost is not valid: must be at least 1") }
    }

    public func run() throws {
        let site = global.site
        guard let resource = site.site() else { throw CLIError("there is no active site in this namespace") }
        guard let status = site.status(resource.id)?.status else {
            throw CLIError("Site \"\(resource.name)\" has \(SiteDirectory.noStatusMessage)")
        }
        let endpoints = EndpointsStatusView(status).endpoints.filter { RouterMode.isLinkRole($0.name) }.map { endpoint in
            (name: endpoint.name, host: endpoint.host, port: endpoint.port, group: endpoint.group ?? "")
        }
        guard !endpoints.isEmpty else { throw CLIError("this site is not enabled for link access, there are no links created") }
        let access = name ?? endpoints[0].group
        let chosen = endpoints.filter { $0.group == access }
        guard !chosen.isEmpty else {
            throw CLIError("router access \"\(access)\" has no link endpoints (known: \(Set(endpoints.map(\.group)).sorted().joined(separator: ", ")))")
        }
        let endpointHost = host ?? chosen.first { !$0.host.isEmpty && !["0.0.0.0", "::"].contains($0.host) }?.host ?? "127.0.0.1"

        let stored = site.layout.links.appendingPathComponent("link-\(access)-\(endpointHost).yaml")
        if output == .yaml, cost == 1, let text = try? String(contentsOf: stored, encoding: .utf8) {
            Console.outRaw(text)
            return
        }
        let credentials = site.entry(ResourceID(.routerAccess, access))?.resource.routerAccess?.tlsCredentials ?? access
        let directory = site.layout.certificate("client-\(credentials)")
        var data: [String: Data] = [:]
        for file in ["ca.crt", "tls.crt", "tls.key", "connect.json"] {
            if let contents = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) { data[file] = contents }
        }
        guard data["ca.crt"] != nil, data["tls.crt"] != nil, data["tls.key"] != nil else {
            throw CLIError("the link client certificate is missing or unreadable in \(directory.path) (is skupperd running?)")
        }
        let linkName = "link-\(access)"
        let secret = Resource(metadata: ObjectMeta(name: linkName), spec: .secret(SecretSpec(type: "kubernetes.io/tls", data: data)))
        let link = Resource(
            metadata: ObjectMeta(name: linkName),
            spec: .link(
                LinkSpec(
                    endpoints: chosen.map { LinkSpec.Endpoint(name: $0.name, host: endpointHost, port: $0.port) },
                    tlsCredentials: linkName, cost: cost)))
        Console.outRaw(output == .yaml ? ResourceEncoder.yaml([secret, link]) : Rendering.resources([secret, link], .json))
    }
}
