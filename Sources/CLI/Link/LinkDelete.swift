import ArgumentParser
import Foundation
import Resources

/// `skupper link delete <name>`: removes a Link (and its own Secret file, when no other link uses it).
public struct LinkDelete: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a link.")

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The name of the link.") public var name: String

    public init() {}

    public func validate() throws { try Names.validate(name, "link name") }

    public func run() throws {
        let site = global.site
        guard let entry = site.entry(ResourceID(.link, name)) else {
            throw CLIError("There is no link resource in the namespace with the name \"\(name)\"")
        }
        if entry.generated {
            // runtime/state/redeemed/AccessToken-<token>.yaml holds what redeeming that token created.
            let stem = entry.file.deletingPathExtension().lastPathComponent
            let token = stem.hasPrefix("AccessToken-") ? String(stem.dropFirst("AccessToken-".count)) : nil
            if let token, let tokenEntry = site.entry(ResourceID(.accessToken, token)) {
                throw CLIError(
                    "link \(name) was created by redeeming the AccessToken \"\(token)\": delete the token to remove the link "
                        + "(remove \(tokenEntry.file.path))")
            }
            throw CLIError("link \(name) was created by redeeming an access token (\(entry.file.path)); the agent owns it and it cannot be deleted here")
        }
        try site.remove(entry)
        Console.out("Link \"\(name)\" deleted (\(entry.file.path) removed).")
        let secretName = entry.resource.link?.tlsCredentials ?? name
        let others = site.entries(of: .link).filter { ($0.resource.link?.tlsCredentials ?? $0.resource.name) == secretName }
        let secretFile = site.inputFile(ResourceID(.secret, secretName))
        if others.isEmpty, let secret = site.entry(ResourceID(.secret, secretName)), secret.file == secretFile {
            site.removeFile(secretFile)
            Console.out("Secret \"\(secretName)\" deleted (\(secretFile.path) removed).")
        }
    }
}
