import ArgumentParser
import Foundation
import Resources

/// `skupper access-token redeem <file>`: hands a token file to the agent, which redeems it for a link.
public struct AccessTokenRedeem: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "redeem",
        abstract: "Redeem a token for a link to the site that issued it.",
        discussion: "The token is stored as input/resources/AccessToken-<name>.yaml; the agent redeems it and creates the link.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the token file.") public var file: String
    @Option(help: "Raise an error if the token is not redeemed in this period of time.")
    public var timeout: DurationArgument = DurationArgument(GoDuration(seconds: 60))

    public init() {}

    public func validate() throws {
        guard !file.isEmpty else { throw ValidationError("file name must not be empty") }
        guard timeout.seconds > 0 else { throw ValidationError("timeout is not valid: must be longer than zero") }
    }

    /// Reads the token file: exactly one valid AccessToken, or an error naming the file and the field.
    func loadToken() throws -> Resource {
        let url = tokenFileURL(file)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CLIError("token file does not exist: \(file)")
        }
        guard !isDirectory.boolValue else { throw CLIError("token file name is a directory: \(file)") }
        let contents: ResourceLoader.FileContents
        do {
            contents = try ResourceLoader.load(contentsOf: url, displayName: file)
        } catch {
            throw CLIError("invalid token file \(error)")
        }
        let tokens = contents.resources.filter { $0.kind == .accessToken }
        guard let token = tokens.first else {
            let found = contents.resources.map(\.kind.rawValue) + contents.warnings.map { _ in "an unknown kind" }
            throw CLIError("invalid token file \(file): kind: expected an AccessToken, found \(found.isEmpty ? "no resource" : found.joined(separator: ", "))")
        }
        guard tokens.count == 1, contents.resources.count == 1 else {
            throw CLIError("invalid token file \(file): expected one AccessToken, found \(contents.resources.count) resources")
        }
        return Resource(metadata: ObjectMeta(name: token.name), spec: token.spec)
    }

    public func run() throws {
        let site = global.site
        let token = try loadToken()
        guard site.site() != nil else {
            throw CLIError("A site must exist in \(global.whereLooked) before a token can be redeemed")
        }
        // The agent redeems it: without one the token would only be written down.
        try global.agent.requireRunning(for: "redeem the token")
        if let existing = site.entry(token.id),
            existing.resource.accessToken.map({ $0.url != token.accessToken?.url || $0.code != token.accessToken?.code }) ?? true
        {
            throw CLIError("There is already a token \(token.name) in namespace \(global.namespace) (\(existing.file.path)) with another URL or code")
        }
        let written = try site.write(token)
        Console.out("Waiting for status...")
        let redeemed = try site.wait(for: token.id, timeout: timeout.seconds) { document -> Bool? in
            guard let status = document?.status else { return nil }
            if AccessTokenStatusView(status).redeemed { return true }
            if status.phase == .error {
                site.removeFile(written)
                throw CLIError(status.message)
            }
            return nil
        }
        guard redeemed != nil else {
            let message = site.status(token.id)?.status.message ?? SiteDirectory.noStatusMessage
            throw CLIError(
                "Token \"\(token.name)\" has not been redeemed after \(timeout.duration.inWords): \(message)",
                hints: [
                    "The agent keeps trying (status: \(site.layout.statusFile(token.id).path)).",
                    "To stop trying, remove the token: rm \(written.path)",
                ])
        }
        Console.out("Token \"\(token.name)\" has been redeemed.")
    }
}
