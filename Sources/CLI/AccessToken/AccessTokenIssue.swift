import ArgumentParser
import Foundation
import Resources
import SiteFiles

/// `skupper access-token issue <file>`: creates an AccessGrant, waits for the agent to serve it, and writes the
/// AccessToken file a remote site redeems.
public struct AccessTokenIssue: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a token redeemable for a link to the current site.",
        discussion: """
            Issue a token that can be redeemed at a remote site for a link to the current site. \
            This command first creates a grant in order to issue the token.
            """)

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the token file.") public var file: String
    @Option(
        name: [.customLong("expiration-period"), .customLong("expiration-window")],
        help: "The period of time in which a token for this grant can be redeemed.")
    public var expirationPeriod: DurationArgument = DurationArgument(AccessGrantSpec.defaultExpirationWindow)
    @Option(name: .customLong("redemptions-allowed"), help: "The number of times a token for this grant can be redeemed.")
    public var redemptionsAllowed: Int = AccessGrantSpec.defaultRedemptionsAllowed
    @Option(help: "The name of the grant and of the token (default: <site>-<random id>).") public var name: String?
    @Option(help: "The cost of the link the token creates.") public var cost: Int = 1
    @Option(help: "Raise an error if the grant is not ready in this period of time.")
    public var timeout: DurationArgument = DurationArgument(GoDuration(seconds: 60))

    public init() {}

    /// What the agent says when no router access accepts links.
    static let linkAccessDisabled = "Link access is not enabled"

    public func validate() throws {
        guard !file.isEmpty else { throw ValidationError("file name must not be empty") }
        guard redemptionsAllowed >= 1 else { throw ValidationError("number of redemptions is not valid: must be at least 1") }
        guard expirationPeriod.seconds > 0 else { throw ValidationError("expiration time is not valid: must be longer than zero") }
        guard timeout.seconds > 0 else { throw ValidationError("timeout is not valid: must be longer than zero") }
        guard cost >= 1 else { throw ValidationError("link cost is not valid: must be at least 1") }
        if let name { try Names.validate(name, "grant name") }
    }

    public func run() throws {
        let site = global.site
        let tokenURL = tokenFileURL(file)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: tokenURL.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIError("token file name is a directory: \(file)")
        }
        let parent = tokenURL.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("token file name is not valid: directory \(parent.path) does not exist")
        }
        guard let siteResource = site.site() else {
            throw CLIError("A site must exist in \(global.whereLooked) before a token can be created")
        }
        // The agent issues the grant's code: without one nothing would, and the wait would be for nobody.
        try global.agent.requireRunning(for: "issue the grant's code")
        let grantName = name ?? "\(siteResource.name)-\(UUID().uuidString.lowercased().prefix(8))"
        let id = ResourceID(.accessGrant, grantName)
        if site.entry(id) != nil { throw CLIError("There is already a token \(grantName) created in namespace \(global.namespace)") }

        let grant = Resource(
            metadata: ObjectMeta(name: grantName),
            spec: .accessGrant(
                AccessGrantSpec(
                    redemptionsAllowed: redemptionsAllowed, expirationWindow: expirationPeriod.duration)))
        let grantFile = try site.write(grant)
        let token: (url: String, ca: String, code: String)
        do {
            Console.out("Waiting for status...")
            let ready = try site.wait(for: id, timeout: timeout.seconds) { document -> (url: String, ca: String, code: String)? in
                guard let status = document?.status else { return nil }
                let grant = AccessGrantStatusView(status)
                switch status.phase {
                case .ready:
                    return grant.token
                case .error:
                    if grant.linkAccessDisabled {
                        throw CLIError(Self.linkAccessDisabled, hints: ["You can use \"skupper site update --enable-link-access\" to enable it."])
                    }
                    throw CLIError("Grant \"\(grantName)\" is not ready: \(status.message)")
                case .pending:
                    return nil
                }
            }
            guard let ready else {
                let message = site.status(id)?.status.message ?? SiteDirectory.noStatusMessage
                throw CLIError("Grant \"\(grantName)\" is not ready after \(timeout.duration.inWords): \(message); the grant was removed")
            }
            token = ready
        } catch {
            site.removeFile(grantFile)
            throw error
        }

        let tokenResource = Resource(
            metadata: ObjectMeta(name: grantName),
            spec: .accessToken(
                AccessTokenSpec(
                    url: token.url, ca: token.ca, code: token.code, linkCost: cost)))
        do {
            try AtomicFile.write(ResourceEncoder.yaml(tokenResource), to: tokenURL, mode: 0o600, skipIfUnchanged: false)
        } catch {
            site.removeFile(grantFile)
            throw FileErrorText.cliError("cannot write token file \(file)", error, path: tokenURL.path)
        }
        let uses = "\(redemptionsAllowed) use\(redemptionsAllowed == 1 ? "" : "s")"
        Console.outRaw(
            """
            Grant "\(grantName)" is ready.
            Token file \(file) created.

            Transfer this file to a remote site. At the remote site,
            create a link to this site using the 'skupper token redeem'
            command:

               $ skupper token redeem \(file)

            The token expires after \(uses) or after \(expirationPeriod.duration.inWords).

            """)
    }
}
