import Foundation
import TestSupport
import Testing

/// `--help` on every command, and how failures are reported.
@Suite("skupper: help and errors")
struct HelpAndErrorTests {
    static let commands: [[String]] = [
        [], ["site"], ["site", "create"], ["site", "update"], ["site", "delete"], ["site", "status"], ["site", "generate"],
        ["listener"], ["listener", "create"], ["listener", "update"], ["listener", "delete"], ["listener", "status"], ["listener", "generate"],
        ["connector"], ["connector", "create"], ["connector", "update"], ["connector", "delete"], ["connector", "status"], ["connector", "generate"],
        ["link"], ["link", "status"], ["link", "delete"], ["link", "generate"],
        ["token"], ["token", "issue"], ["token", "redeem"],
        ["system"], ["system", "apply"], ["system", "delete"], ["system", "uninstall"], ["system", "setup"], ["system", "teardown"],
        ["system", "status"], ["network"], ["network", "status"], ["debug"], ["debug", "dump"],
    ]

    @Test(arguments: commands)
    func helpWorks(_ command: [String]) throws {
        let result = try SkupperCLI.run(command + ["--help"])
        #expect(result.status == 0, "\(result)")
        // v2's names in usage lines (`setup` is `start` under Skupper 2.0's name).
        let shown = command == ["system", "setup"] ? ["system", "start"] : command
        #expect(result.stdout.contains("USAGE: skupper \(shown.joined(separator: " "))".trimmingCharacters(in: .whitespaces)), "\(result)")
        if command.count == 2 {
            // Leaf commands take the common options.
            for option in ["--namespace", "--platform", "--config-dir"] { #expect(result.stdout.contains(option), "\(command): \(option)") }
        }
    }

    @Test func kubernetesIsNotSupportedHere() throws {
        let site = try TemporarySite()
        let result = try site.skupper("site", "create", "west", "--platform", "kubernetes")
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: platform kubernetes is not supported here"), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
        #expect(site.inputFiles.isEmpty)
        for platform in ["docker", "podman", "systemd", "linux"] {
            let ok = try site.skupper("site", "generate", "west", "--platform", platform)
            #expect(ok.status == 0, "\(platform): \(ok)")
        }
    }

    @Test func failuresAreOneErrorLine() throws {
        let site = try TemporarySite()
        for arguments in [
            ["site", "create", "Bad_Name"], ["listener", "create", "db", "99999"], ["listener", "create", "db"],
            ["listener", "delete", "nothing"], ["site", "update", "--enable-link-access"], ["connector", "create", "db", "80", "--type", "udp"],
            ["site", "status", "-o", "xml"],
        ] {
            let result = try SkupperCLI.run(arguments, site: site)
            #expect(result.status != 0, "\(arguments): \(result)")
            #expect(result.stderr.hasPrefix("Error: "), "\(arguments): \(result)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result)")
        }
    }

    /// A mistyped subcommand is answered as Skupper v2's command line answers it: the word, where, the nearest names.
    @Test func mistypedSubcommandsGetADidYouMean() throws {
        var result = try SkupperCLI.run(["listner", "create", "x", "1"])
        #expect(result.status != 0)
        #expect(
            result.stderr == "Error: unknown command \"listner\" for \"skupper\"\n\nDid you mean this?\n\tlistener\n\nRun 'skupper --help' for usage.\n",
            "\(result)")
        result = try SkupperCLI.run(["system", "statu"])
        #expect(
            result.stderr.hasPrefix("Error: unknown command \"statu\" for \"skupper system\"\n\nDid you mean this?\n") && result.stderr.contains("\tstatus\n"),
            "\(result)")
        result = try SkupperCLI.run(["frobnicate"])
        #expect(
            result.status != 0 && result.stderr == "Error: unknown command \"frobnicate\" for \"skupper\"\n\nRun 'skupper --help' for usage.\n", "\(result)")
        // The old group name still works.
        #expect(try SkupperCLI.run(["access-token", "--help"]).stdout.contains("USAGE: skupper token"))
    }

    @Test func configDirFromEnvironment() throws {
        let site = try TemporarySite()
        let result = try SkupperCLI.run(["site", "create", "west"], environment: ["SKUPPER_CONFIG_DIR": site.layout.root.path])
        #expect(result.status == 0, "\(result)")
        #expect(site.inputFiles == ["Site-west.yaml"])
    }
}
