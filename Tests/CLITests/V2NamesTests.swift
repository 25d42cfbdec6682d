import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

/// The names and flags Skupper v2 users type: `token`, `version`, `--version`, `-p`, `-r`.
@Suite("skupper: Skupper v2's names")
struct V2NamesTests {
    @Test func versionIsOneStringEverywhere() throws {
        let version = try SkupperCLI.run(["version"])
        // One bare line, as Skupper v2's `skupper version`; --verbose says which v2 release this follows.
        #expect(version.status == 0 && version.stdout == "\(SkupperVersion.current)\n", "\(version)")
        #expect(try SkupperCLI.run(["version", "--verbose"]).stdout == "\(SkupperVersion.description)\n")
        let flag = try SkupperCLI.run(["--version"])
        #expect(flag.status == 0 && flag.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == SkupperVersion.description, "\(flag)")
        let daemon = try run([BuiltProducts.executable("skupperd").path, "--version"])
        #expect(daemon.status == 0 && daemon.output.trimmingCharacters(in: .whitespacesAndNewlines) == SkupperVersion.description, "\(daemon.output)")
        #expect(SkupperVersion.description.contains("Skupper 2."))
    }

    @Test func tokenIsTheGroupsNameAndAccessTokenItsAlias() throws {
        for command in [["token", "issue", "--help"], ["token", "redeem", "--help"], ["access-token", "issue", "--help"]] {
            let result = try SkupperCLI.run(command)
            #expect(result.status == 0 && result.stdout.contains("USAGE: skupper token \(command[1]) "), "\(result)")
        }
    }

    @Test func shortFlagsForPlatformAndRoutingKey() throws {
        let site = try TemporarySite()
        let result = try site.skupper("listener", "create", "backend", "8080", "-r", "shared-key", "-p", "podman")
        #expect(result.status == 0, "\(result)")
        let listener = try #require(try site.inputResources("Listener-backend.yaml").first?.listener)
        #expect(listener.routingKey == "shared-key")
    }
}
