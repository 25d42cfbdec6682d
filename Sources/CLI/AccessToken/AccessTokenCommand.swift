import ArgumentParser
import Foundation

/// `skupper token`: tokens that remote sites redeem for links to this site.
public struct AccessTokenCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue and redeem access tokens for links between sites.",
        discussion: "A token is issued at the site that accepts links and redeemed at the site that creates the link.",
        subcommands: [AccessTokenIssue.self, AccessTokenRedeem.self],
        // Skupper v2's name is `token`; this project's earlier name stays an alias.
        aliases: ["access-token"])

    public init() {}
}

/// A token file path as the user gave it, resolved against the working directory.
func tokenFileURL(_ path: String) -> URL {
    let expanded = (path as NSString).expandingTildeInPath
    return URL(fileURLWithPath: expanded)
}
