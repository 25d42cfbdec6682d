import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `skupper system generate-bundle` and the install script it makes: a site carried to another directory with its
/// identity, and bundles that were cut short or changed refused before anything is written.
@Suite("Site bundles", .serialized)
struct BundleTests {
    /// A site made with the command line, with an identity file standing for what its agent made.
    static func makeSite() throws -> TemporarySite {
        let site = try TemporarySite(namespace: "west")
        for arguments in [["site", "create", "west"], ["listener", "create", "db", "5432"]] {
            let result = try SkupperCLI.run(arguments + ["-n", "west"], site: site)
            try #require(result.status == 0, "\(result)")
        }
        let state = site.layout.state
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try Data(#"{"siteId":"0b8a2c1e"}"#.utf8).write(to: state.appendingPathComponent("identity.json"))
        return site
    }

    /// Runs a bundle's install script (the bundle itself, or an extracted tarball's `install.sh`) with `skupper` on
    /// PATH.
    static func install(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let products = try BuiltProducts.executable("skupper").deletingLastPathComponent().path
        let path = products + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try run(["PATH=\(path)", "/bin/sh", script] + arguments)
    }

    /// The files under `root`, for "nothing was written".
    static func tree(_ root: URL) -> [String] {
        (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func aBundleInstallsTheSiteWithItsIdentityOwnerOnly() throws {
        let site = try Self.makeSite()
        let scratch = try ScratchDirectory()
        for type in ["tarball", "shell-script"] {
            let made = try SkupperCLI.run(
                ["system", "generate-bundle", scratch.path("west-\(type)"), "--type", type, "-n", "west", "-p", "podman"], site: site)
            try #require(made.status == 0, "\(made)")
            let file = scratch.path("west-\(type)" + (type == "tarball" ? ".tar.gz" : ".sh"))
            #expect(made.stdout.contains("Installation bundle available at: \(file)") && made.stdout.contains("Default platform: podman"))
            var info = stat()
            #expect(stat(file, &info) == 0 && info.st_mode & 0o077 == 0, "a bundle holds keys: owner-only")
            var script = file
            if type == "tarball" {
                let extracted = scratch.url.appendingPathComponent("extracted")
                try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
                #expect(try run(["tar", "-xzf", file, "-C", extracted.path]).status == 0)
                script = extracted.appendingPathComponent("install.sh").path
            }
            let target = scratch.url.appendingPathComponent("east-\(type)")
            let dry = try Self.install(script, ["-n", "east", "-p", "process", "--config-dir", target.path, "--dry-run"])
            #expect(dry.status == 0 && dry.output.contains("Would install site \"west\" (namespace east, platform process)"), "\(dry)")
            #expect(!FileManager.default.fileExists(atPath: target.path), "a dry run writes nothing")
            let installed = try Self.install(script, ["-n", "east", "-p", "process", "--config-dir", target.path])
            #expect(installed.status == 0 && installed.output.contains("Site \"west\" installed into \(target.path)"), "\(installed)")
            let layout = SiteLayout(root: target, namespace: "east")
            #expect(FileManager.default.contents(atPath: layout.state.appendingPathComponent("identity.json").path) == Data(#"{"siteId":"0b8a2c1e"}"#.utf8))
            #expect(FileManager.default.fileExists(atPath: layout.inputResources.appendingPathComponent("Listener-db.yaml").path))
            #expect((try? String(contentsOf: V2PlatformFile.url(layout), encoding: .utf8)) == "platform: linux\n", "v2's name for a host process")
            #expect(stat(layout.state.appendingPathComponent("identity.json").path, &info) == 0 && info.st_mode & 0o777 == 0o600)
            // Installed once: the namespace is defined, a second install refuses and leaves it as it is.
            let again = try Self.install(script, ["-n", "east", "-p", "process", "--config-dir", target.path])
            #expect(again.status != 0 && again.output.contains("namespace \"east\" is already defined"), "\(again)")
        }
    }

    @Test func bundlesCutShortChangedOrStrangeAreRefusedBeforeAnythingIsWritten() throws {
        let site = try Self.makeSite()
        let scratch = try ScratchDirectory()
        let made = try SkupperCLI.run(["system", "generate-bundle", scratch.path("good"), "-n", "west", "-p", "podman"], site: site)
        try #require(made.status == 0, "\(made)")
        let good = scratch.path("good.tar.gz")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        /// Extracts the good bundle, lets `change` alter it, and packs it again as `name` (tar's own arguments).
        func altered(_ name: String, tarArguments: [String] = [], _ change: (URL) throws -> Void) throws -> String {
            let directory = scratch.url.appendingPathComponent("work-\(name)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            #expect(try run(["tar", "-xzf", good, "-C", directory.path]).status == 0)
            try change(directory)
            let output = scratch.path("\(name).tar.gz")
            let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(try run(["tar", "-czf", output, "-C", directory.path] + tarArguments + entries).status == 0)
            return output
        }
        let manifestFile = "skupper-bundle.json"
        var cases: [(String, String, String)] = []
        let truncated = scratch.path("truncated.tar.gz")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        cases.append(("truncated", truncated, "not a whole gzipped tarball"))
        cases.append(
            (
                "a changed file",
                try altered("changed") { try Data("kind: Site\n".utf8).write(to: $0.appendingPathComponent("west/input/resources/Site-west.yaml")) },
                "is not what its manifest says"
            ))
        cases.append(
            (
                "a symbolic link", try altered("symlink") { symlink("/etc/passwd", $0.appendingPathComponent("west/input/resources/x.yaml").path) },
                "holds something other than files and directories"
            ))
        cases.append(
            (
                "an added file", try altered("added") { try Data("x".utf8).write(to: $0.appendingPathComponent("west/runtime/state/extra")) },
                "which its manifest does not list"
            ))
        cases.append(
            (
                "a file outside what a bundle carries",
                try altered("outside") { directory in
                    let router = directory.appendingPathComponent("west/runtime/router")
                    try FileManager.default.createDirectory(at: router, withIntermediateDirectories: true)
                    try Data("{}".utf8).write(to: router.appendingPathComponent("skrouterd.json"))
                }, "which a bundle does not carry"
            ))
        cases.append(
            (
                "a path escaping the bundle",
                try altered("escape", tarArguments: ["--transform", "s,^west/input/resources/Listener-db.yaml,../../escaped.yaml,"]) { _ in },
                "holds a path that leaves its directory"
            ))
        cases.append(
            (
                "a wrong namespace",
                try altered("namespace") { try FileManager.default.moveItem(at: $0.appendingPathComponent("west"), to: $0.appendingPathComponent("east")) },
                "wrong namespace"
            ))
        cases.append(
            (
                "a newer format",
                try altered("newer") { directory in
                    let url = directory.appendingPathComponent(manifestFile)
                    let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\"format\" : 1", with: "\"format\" : 2")
                    try text.write(to: url, atomically: true, encoding: .utf8)
                }, "made by a newer skupper"
            ))
        for (what, file, expected) in cases {
            let target = scratch.url.appendingPathComponent("target-\(what.replacingOccurrences(of: " ", with: "-"))")
            try FileManager.default.createDirectory(at: target.appendingPathComponent("input/resources"), withIntermediateDirectories: true)
            let before = Self.tree(target)
            let result = try SkupperCLI.run(["system", "install-bundle", file, "-p", "process", "--config-dir", target.path])
            #expect(result.status != 0 && result.stderr.contains(expected), "\(what): \(result)")
            #expect(Self.tree(target) == before, "\(what): nothing written")
            #expect(!FileManager.default.fileExists(atPath: scratch.url.deletingLastPathComponent().appendingPathComponent("escaped.yaml").path))
        }
        // The install script names its manifest: a bundle whose manifest was replaced (with digests to match) is not it.
        let extracted = scratch.url.appendingPathComponent("replaced")
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
        #expect(try run(["tar", "-xzf", good, "-C", extracted.path]).status == 0)
        let manifest = extracted.appendingPathComponent(manifestFile)
        try (try String(contentsOf: manifest, encoding: .utf8)).replacingOccurrences(of: "\"site\" : \"west\"", with: "\"site\" : \"evil\"")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let replaced = try Self.install(
            extracted.appendingPathComponent("install.sh").path, ["-p", "process", "--config-dir", scratch.path("replaced-target")])
        #expect(replaced.status != 0 && replaced.output.contains("the bundle was changed"), "\(replaced)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("replaced-target")))
    }
    /// A bundle made with `--package` installs the package first where `skupper` is missing, once its digest matches.
    @Test func aBundleCarriesThePackageForAHostWithoutSkupper() throws {
        let site = try Self.makeSite()
        let scratch = try ScratchDirectory()
        let package = scratch.url.appendingPathComponent("skupper-local_9.9.9_amd64.deb")
        try Data("a package".utf8).write(to: package)
        let made = try SkupperCLI.run(
            ["system", "generate-bundle", scratch.path("carried"), "--type", "shell-script", "-n", "west", "-p", "podman", "--package", package.path],
            site: site)
        try #require(made.status == 0, "\(made)")
        // A PATH without skupper: the script finds the package inside itself.
        let dry = try run(["PATH=/usr/bin:/bin", "/bin/sh", scratch.path("carried.sh"), "--dry-run"])
        #expect(
            dry.status == 0 && dry.output.contains("Would install the skupper-local package bundled here (skupper-local_9.9.9_amd64.deb), then the site"),
            "\(dry.output)")
        // The same bundle with another package in it: refused before anything is installed.
        let tarball = try SkupperCLI.run(
            ["system", "generate-bundle", scratch.path("carried"), "-n", "west", "-p", "podman", "--package", package.path], site: site)
        try #require(tarball.status == 0, "\(tarball)")
        let extracted = scratch.url.appendingPathComponent("extracted")
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
        #expect(try run(["tar", "-xzf", scratch.path("carried.tar.gz"), "-C", extracted.path]).status == 0)
        try Data("another package".utf8).write(to: extracted.appendingPathComponent("package/skupper-local_9.9.9_amd64.deb"))
        let swapped = try run(["PATH=/usr/bin:/bin", "/bin/sh", extracted.appendingPathComponent("install.sh").path])
        #expect(swapped.status != 0 && swapped.output.contains("the package in the bundle is not the one it was made with"), "\(swapped.output)")
        // Without a package, a host without skupper is told what to install.
        let bare = try SkupperCLI.run(["system", "generate-bundle", scratch.path("bare"), "--type", "shell-script", "-n", "west", "-p", "podman"], site: site)
        try #require(bare.status == 0, "\(bare)")
        let missing = try run(["PATH=/usr/bin:/bin", "/bin/sh", scratch.path("bare.sh")])
        #expect(missing.status != 0 && missing.output.contains("the skupper command is not installed"), "\(missing.output)")
    }

    /// A linked site carried to another directory (standing for another machine) keeps its identity: its router comes
    /// up as the same site, with the same Link to the hub, through real routers.
    @Test func aLinkedSiteBundledAndInstalledElsewhereRejoinsTheNetworkAsItself() throws {
        let network = try TenSiteNetwork(sites: 2)
        defer { network.stop() }
        try network.start()
        let link = TenSiteNetwork.linkToH1
        #expect(TenSiteNetwork.measure(timeout: 30) { network.linkPhase(1, link) == .ready } != nil, "h2's Link not Ready:\n\(network.describe([1]))")
        let identity = network.sites[1].layout.state.appendingPathComponent("identity.json")
        let siteId = try JSONDecoder().decode(SiteIdentity.self, from: Data(contentsOf: identity)).siteId
        let scratch = try ScratchDirectory()
        let made = try SkupperCLI.run(["system", "generate-bundle", scratch.path("h2"), "--type", "shell-script", "-p", "process"], site: network.sites[1])
        try #require(made.status == 0, "\(made)")
        // The site moves: its agent (and router) stop here, and the bundle is installed in a fresh directory.
        #expect(network.agents[1].stop() == 0)
        let moved = try TemporarySite()
        let installed = try Self.install(scratch.path("h2.sh"), ["-p", "process", "--config-dir", moved.layout.root.path])
        try #require(installed.status == 0, "\(installed.output)")
        let agent = try AgentProcess(site: moved, arguments: network.arguments)
        defer { _ = agent.stop() }
        let back = TenSiteNetwork.measure(timeout: 40) {
            moved.status(.link, link)?.status.phase == .ready && network.sitesInNetwork(0) == 2 && moved.status(.site, "h2")?.status.phase == .ready
        }
        #expect(back != nil, "the installed h2 did not come back: \(moved.status(.link, link)?.status.message ?? "no Link status")\n\(agent.log)")
        let now = try JSONDecoder().decode(SiteIdentity.self, from: Data(contentsOf: moved.layout.state.appendingPathComponent("identity.json")))
        #expect(now.siteId == siteId, "the same site")
        // h1 sees the same site come back, not a new one.
        let h1View = (try? String(contentsOf: network.sites[0].layout.status.appendingPathComponent("Site-h1.yaml"), encoding: .utf8)) ?? ""
        #expect(h1View.contains(siteId), "h1's Site status names the moved site's id")
    }
}
