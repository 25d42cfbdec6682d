import Agent
import CLI
import Foundation
import Platforms
import Resources
import SiteFiles
import TestSupport
import Testing

/// Against a real systemd booted in a container (see `SystemdContainer`): the router unit's life cycle driven
/// by `SystemdPlatform`, the agent itself as a Type=notify unit with `skupper system ...`, and the .deb.
@Suite(.serialized) struct SystemdContainerTests {
    static let siteId = "7d0c6a52-3f0b-4a43-8a55-1c2b7e9f0d21"

    /// `SystemdPlatform` on this machine, systemctl reaching the container's systemd: install, enable and start;
    /// no restart without a change; restart on a configuration change and on a unit change; start again after
    /// the router stopped; a failing router reported as failed; teardown stops, disables and removes.
    @Test func routerUnitLifeCycle() async throws {
        let container = try SystemdContainer.shared()
        print("systemd container ready in \(String(format: "%.1f", container.bootSeconds)) s")
        // A site directory whose path needs quoting and escaping in the unit.
        let layout = SiteLayout(root: container.shared.appendingPathComponent("site dir 100%"), namespace: "plat")
        try FileManager.default.createDirectory(at: layout.routerDirectory, withIntermediateDirectories: true)
        try #"[["router", {"id": "plat-1", "mode": "interior"}]]"#.write(to: layout.routerConfig, atomically: true, encoding: .utf8)
        let log = container.shared.appendingPathComponent("plat-router.log")
        try container.write("/usr/local/bin/skrouterd", SystemdContainer.standinRouter(log: log.path), mode: "0755")
        let platform = SystemdPlatform(scope: .system, unitDirectory: container.units, systemctl: Systemctl(command: container.systemctlCommand))
        let unit = "skupper-plat.service"
        func starts() -> [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        func mainPID() throws -> String { try container.show(unit, ["MainPID"])["MainPID"] ?? "" }
        func waitFor(_ count: Int) -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while starts().count < count && Date() < deadline { usleep(50_000) }
            return starts().count == count
        }

        var state = try await platform.apply(layout: layout, siteName: "plat", siteId: Self.siteId, settings: [:], configChanged: false)
        #expect(state.phase == .running, "\(state)")
        #expect(waitFor(1), "\(starts())")
        #expect(starts().first?.hasSuffix(" \(layout.routerConfig.path) \(Self.siteId)") == true, "\(starts())")
        #expect(try container.exec(["systemctl", "is-enabled", unit]).output.trimmingCharacters(in: .whitespacesAndNewlines) == "enabled")
        #expect(try container.exec(["test", "-L", "/etc/systemd/system/default.target.wants/\(unit)"]).status == 0)
        let firstPID = try mainPID()

        // Nothing changed: nothing restarts.
        state = try await platform.apply(layout: layout, siteName: "plat", siteId: Self.siteId, settings: [:], configChanged: false)
        #expect(state.phase == .running)
        #expect(try mainPID() == firstPID)
        #expect(starts().count == 1)

        // A configuration change restarts the router.
        state = try await platform.apply(layout: layout, siteName: "plat", siteId: Self.siteId, settings: [:], configChanged: true)
        #expect(waitFor(2), "\(starts())")
        #expect(try mainPID() != firstPID)

        // A unit change (another site id) is daemon-reloaded and restarts it with the new environment.
        let otherId = "0b7f1c9e-2222-4d3c-8e55-6a7b8c9d0e1f"
        state = try await platform.apply(layout: layout, siteName: "plat", siteId: otherId, settings: [:], configChanged: false)
        #expect(waitFor(3), "\(starts())")
        #expect(starts().last?.hasSuffix(" \(otherId)") == true)
        #expect(try container.show(unit, ["NeedDaemonReload"])["NeedDaemonReload"] == "no")

        // Stopped behind the agent's back: the next apply starts it again.
        try container.checked(["systemctl", "stop", unit])
        #expect(await platform.state(layout: layout).phase == .stopped)
        state = try await platform.apply(layout: layout, siteName: "plat", siteId: otherId, settings: [:], configChanged: false)
        #expect(state.phase == .running, "\(state)")
        #expect(waitFor(4), "\(starts())")

        // A router that cannot start (no configuration) is reported failed, with its exit status.
        try FileManager.default.removeItem(at: layout.routerConfig)
        _ = try await platform.apply(layout: layout, siteName: "plat", siteId: otherId, settings: [:], configChanged: true)
        var failed = await platform.state(layout: layout)
        let deadline = Date().addingTimeInterval(10)
        while failed.phase != .failed && Date() < deadline {
            usleep(50_000)
            failed = await platform.state(layout: layout)
        }
        #expect(failed.phase == .failed && failed.message.contains("exit status 2"), "\(failed)")

        // Teardown: stopped, disabled, removed; systemd no longer knows the unit.
        try #"[["router", {"id": "plat-1"}]]"#.write(to: layout.routerConfig, atomically: true, encoding: .utf8)
        _ = try await platform.apply(layout: layout, siteName: "plat", siteId: otherId, settings: [:], configChanged: true)
        #expect(waitFor(5))
        let lastPID = try mainPID()
        try await platform.teardown(layout: layout)
        #expect(!FileManager.default.fileExists(atPath: container.units.appendingPathComponent(unit).path))
        #expect(try container.show(unit, ["LoadState"])["LoadState"] == "not-found")
        #expect(try container.exec(["test", "-e", "/etc/systemd/system/default.target.wants/\(unit)"]).status != 0)
        #expect(try container.exec(["kill", "-0", lastPID]).status != 0, "the router process \(lastPID) survived the teardown")
        #expect(await platform.state(layout: layout).phase == .stopped)
    }

    /// The agent as a Type=notify unit, installed and driven with `skupper system ...` inside the container; it
    /// runs its router as skupper-default.service through the same systemd.
    @Test func agentUnderSystemdWithSkupperSystem() throws {
        let container = try SystemdContainer.shared()
        let products = BuiltProducts.directory.resolvingSymlinksInPath().path
        let skupper = products + "/skupper", skupperd = products + "/skupperd"
        try container.installRouterPackage()
        let input = "/var/lib/skupper/namespaces/default/input/resources"
        let started = Date()

        // start before install: a clear error.
        try container.write("\(input)/site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n")
        let early = try container.exec([skupper, "system", "start"])
        #expect(early.status != 0 && early.output.contains("skupperd@default.service is not installed"), "\(early.output)")

        let install = try container.checked([skupper, "system", "install", "--skupperd", skupperd, "--platform", "linux"])
        #expect(install.contains("Enabled skupperd@default.service (system manager)"), "\(install)")
        #expect(try container.checked(["cat", "/etc/default/skupperd-default"]).contains("SKUPPER_PLATFORM=linux"))

        let start = try container.checked([skupper, "system", "start"])
        #expect(start.contains("Site \"west\" has been created on namespace \"default\""), "\(start)")
        #expect(start.contains("Platform: linux"), "\(start)")
        let agent = try container.show("skupperd@default.service", ["ActiveState", "StatusText", "Type"])
        #expect(agent["ActiveState"] == "active", "\(agent)")
        #expect(agent["Type"] == "notify")
        #expect(agent["StatusText"] == "Site west, router running", "\(agent)")
        #expect(try container.show("skupper-default.service", ["ActiveState"])["ActiveState"] == "active")
        let routerPID = try container.show("skupper-default.service", ["MainPID"])["MainPID"] ?? ""

        // The Site is Ready once the router answers the agent's management connection (a moment after it starts).
        var status = ""
        var exitStatus: Int32 = -1
        for _ in 0..<100 {
            // Exit status 3 while something is not up yet (the Site Pending), as systemctl status.
            (exitStatus, status) = try container.exec([skupper, "system", "status"])
            if status.contains("Site \"west\": Ready") { break }
            usleep(100_000)
        }
        #expect(exitStatus == 0, "\(status)")
        #expect(status.contains("Agent: skupperd@default.service active (running)"), "\(status)")
        #expect(status.contains("Router: skupper-default.service active (running)"), "\(status)")
        #expect(status.contains("Site \"west\": Ready"), "\(status)")

        // A new Listener and Connector are applied to the running router through management: the router unit is not restarted.
        try container.write(
            "\(input)/listener.yaml",
            ResourceYAML.listener("backend", port: 8080, host: "127.0.0.1") + "\n---\n"
                + ResourceYAML.connector("backend", port: 9, host: "127.0.0.1") + "\n")
        var listening = false
        for _ in 0..<100 {
            if try container.exec(["sh", "-c", "grep -q ':1F90 .* 0A ' /proc/net/tcp"]).status == 0 {
                listening = true
                break
            }
            usleep(100_000)
        }
        #expect(listening, "the router does not listen on the new listener's port")
        #expect(try container.show("skupper-default.service", ["MainPID"])["MainPID"] == routerPID, "the router was restarted for a new listener")
        #expect(try container.show("skupperd@default.service", ["StatusText"])["StatusText"] == "Site west, 1 listener, 1 connector, router running")

        // systemctl reload (via skupper system reload) sends SIGHUP; the agent re-reads and stays active.
        let reload = try container.checked([skupper, "system", "reload"])
        #expect(reload.contains("Site \"west\" has been reloaded on namespace \"default\""), "\(reload)")
        #expect(try container.show("skupperd@default.service", ["ActiveState"])["ActiveState"] == "active")
        #expect(try container.checked(["journalctl", "--no-pager", "-u", "skupperd@default.service"]).contains("SIGHUP: reloading"))

        // Deleting the Site tears the router unit down.
        try container.checked(["rm", "\(input)/site.yaml"])
        var removed = false
        for _ in 0..<100 {
            if try container.show("skupper-default.service", ["LoadState"])["LoadState"] == "not-found" {
                removed = true
                break
            }
            usleep(100_000)
        }
        #expect(removed, "router unit still loaded after the Site was deleted")
        #expect(try container.exec(["test", "-e", "/etc/systemd/system/skupper-default.service"]).status != 0)
        try container.write("\(input)/site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n")

        // stop: agent and router stopped; uninstall: refuses while active, then removes what install wrote.
        var routerBack = false
        for _ in 0..<100 {
            if try container.show("skupper-default.service", ["ActiveState"])["ActiveState"] == "active" {
                routerBack = true
                break
            }
            usleep(100_000)
        }
        #expect(routerBack)
        let refused = try container.exec([skupper, "system", "uninstall"])
        #expect(refused.status != 0 && refused.output.contains("Active sites detected"), "\(refused.output)")
        #expect(refused.output.contains("The west site is active (namespace default)"), "\(refused.output)")
        let stop = try container.checked([skupper, "system", "stop"])
        #expect(stop.contains("Namespace \"default\" has been stopped"), "\(stop)")
        #expect(try container.show("skupperd@default.service", ["ActiveState"])["ActiveState"] == "inactive")
        #expect(try container.show("skupper-default.service", ["ActiveState"])["ActiveState"] == "inactive")
        let uninstall = try container.checked([skupper, "system", "uninstall"])
        #expect(uninstall.contains("Disabled skupperd@default.service"), "\(uninstall)")
        #expect(try container.exec(["test", "-e", "/etc/systemd/system/skupperd@.service"]).status != 0)
        #expect(try container.exec(["test", "-e", "/etc/systemd/system/skupper-default.service"]).status != 0)
        #expect(try container.show("skupperd@default.service", ["LoadState"])["LoadState"] == "not-found")

        // uninstall --force, as Skupper v2's: the active site is stopped and deleted with its router unit.
        _ = try container.checked([skupper, "system", "install", "--skupperd", skupperd, "--platform", "linux"])
        _ = try container.checked([skupper, "system", "start"])
        #expect(try container.show("skupper-default.service", ["ActiveState"])["ActiveState"] == "active")
        let forced = try container.checked([skupper, "system", "uninstall", "--force"])
        for line in [
            "Removing active site namespace \"default\"", "Stopping skupperd@default.service", "Removed /etc/systemd/system/skupper-default.service",
            "Namespace \"default\" has been removed", "Disabled skupperd@default.service",
        ] {
            #expect(forced.contains(line), "\(line): \(forced)")
        }
        #expect(try container.show("skupperd@default.service", ["LoadState"])["LoadState"] == "not-found")
        #expect(try container.show("skupper-default.service", ["LoadState"])["LoadState"] == "not-found")
        #expect(try container.exec(["test", "-e", "/var/lib/skupper/namespaces/default/input"]).status != 0)
        #expect(try container.exec(["test", "-e", "/var/lib/skupper/namespaces/default/runtime"]).status != 0)
        print(
            "agent under systemd: install, start, restart, reload, teardown, stop, uninstall in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")

        // A user without a user manager (no session, no linger): install's daemon-reload fails, says what to do, and
        // leaves none of the files it wrote behind.
        _ = try container.exec(["sh", "-c", "id skuppertester >/dev/null 2>&1 || useradd -m skuppertester"])
        let asUser = try container.exec([
            "setpriv", "--reuid", "skuppertester", "--regid", "skuppertester", "--init-groups",
            "env", "HOME=/home/skuppertester", "XDG_RUNTIME_DIR=", skupper, "system", "install", "--skupperd", skupperd,
        ])
        #expect(asUser.status != 0, "\(asUser.output)")
        #expect(asUser.output.contains("Error: systemctl: ") && asUser.output.contains("no systemd user manager"), "\(asUser.output)")
        #expect(asUser.output.contains("Nothing was installed"), "\(asUser.output)")
        #expect(!asUser.output.contains("`systemctl"), "the whole command line again: \(asUser.output)")
        let left = try container.exec([
            "sh", "-c", "ls /home/skuppertester/.config/systemd/user/skupperd@.service /home/skuppertester/.config/skupperd-default.env",
        ])
        #expect(left.status != 0, "install left files behind: \(left.output)")
    }

    /// A site bundled on this machine and installed from its self-extracting script into the container (another
    /// machine, under systemd): laid out with its identity, its agent installed and started as skupperd@moved.service,
    /// the site Ready.
    @Test func aBundledSiteIsInstalledAndStartedUnderSystemd() throws {
        let container = try SystemdContainer.shared()
        let products = BuiltProducts.directory.resolvingSymlinksInPath().path
        try container.installRouterPackage()
        // The site as made here: its agent ran once (render only), so it has an identity and certificates.
        let site = try TemporarySite(namespace: "west")
        let created = try SkupperCLI.run(["site", "create", "west", "-n", "west"], site: site)
        try #require(created.status == 0, "\(created)")
        let agent = try AgentProcess(site: site, arguments: ["--namespace", "west"])
        #expect(site.eventually(timeout: 20) { site.status(.site, "west")?.status.phase == .ready }, "\(agent.log)")
        #expect(agent.stop() == 0)
        let siteId = try JSONDecoder().decode(SiteIdentity.self, from: Data(contentsOf: site.layout.state.appendingPathComponent("identity.json"))).siteId
        let bundle = container.shared.appendingPathComponent("west-bundle")
        let made = try SkupperCLI.run(["system", "generate-bundle", bundle.path, "--type", "shell-script", "-n", "west", "-p", "linux"], site: site)
        try #require(made.status == 0, "\(made)")
        defer { _ = try? container.exec([products + "/skupper", "system", "uninstall", "--force", "-n", "moved"]) }
        let installed = try container.exec(["env", "PATH=\(products):/usr/sbin:/usr/bin:/sbin:/bin", "sh", bundle.path + ".sh", "-n", "moved"])
        #expect(installed.status == 0, "\(installed.output)")
        for line in [
            "Site \"west\" installed into /var/lib/skupper/namespaces/moved (namespace moved, platform linux)", "Enabled skupperd@moved.service",
            "Site \"west\" has been created on namespace \"moved\"",
        ] {
            #expect(installed.output.contains(line), "\(line): \(installed.output)")
        }
        #expect(try container.show("skupperd@moved.service", ["ActiveState"])["ActiveState"] == "active")
        var status = ""
        for _ in 0..<100 {
            status = try container.exec([products + "/skupper", "system", "status", "-n", "moved"]).output
            if status.contains("Site \"west\": Ready") { break }
            usleep(100_000)
        }
        #expect(status.contains("Site \"west\": Ready"), "\(status)")
        let moved = try container.checked(["cat", "/var/lib/skupper/namespaces/moved/runtime/state/identity.json"])
        #expect(try JSONDecoder().decode(SiteIdentity.self, from: Data(moved.utf8)).siteId == siteId, "the same site")
        #expect(try container.checked(["cat", "/var/lib/skupper/namespaces/moved/internal/platform.yaml"]) == "platform: linux\n")
    }

    /// The docker, podman and render platforms under the hardened agent unit (linux: the tests above): the agent, in the systemd container, drives a
    /// private dockerd (and a podman service, where podman is installed) through its socket and runs the real
    /// router image there. Its namespace directory is a path the engine sees too, so the unit gets the drop-in a
    /// directory outside /var/lib/skupper needs (`ReadWritePaths=`, as ProtectSystem=strict makes the rest read-only).
    @Test func platformsUnderTheHardenedUnit() throws {
        let container = try SystemdContainer.shared()
        let skupperd = BuiltProducts.directory.resolvingSymlinksInPath().path + "/skupperd"
        try container.write("/etc/systemd/system/skupperd@.service", AgentUnit.text(.system, skupperd: skupperd))
        // The container is shared: the unit, its drop-ins and settings go, so a package's unit is the one loaded later.
        defer {
            _ = try? container.exec([
                "sh", "-c",
                "rm -rf /etc/systemd/system/skupperd@.service /etc/systemd/system/skupperd@hard*.service.d "
                    + "/etc/default/skupperd-hard* && systemctl daemon-reload",
            ])
        }
        var engines: [(name: String, socket: String, image: String, inspect: (String) throws -> [String: Any]?, remove: (String) -> Void)] = []
        let docker = container.engine
        let dockerImage = try docker.loadRouterImage()
        engines.append(("docker", docker.socketPath, dockerImage, { try docker.inspect($0) }, { _ = try? docker.docker(["rm", "-f", $0]) }))
        var podmanEngine: PodmanEngine?
        if PodmanEngine.isInstalled {
            let podman = try PodmanEngine()
            podmanEngine = podman
            let image = try podman.loadRouterImage()
            engines.append(
                (
                    "podman", podman.socketPath, image,
                    { name in
                        let output = try podman.podman(["inspect", name])
                        guard output.status == 0, let data = output.output.data(using: .utf8),
                            let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
                        else { return nil }
                        return list.first
                    }, { _ = try? podman.podman(["rm", "-f", $0]) }
                ))
        }
        defer { podmanEngine?.shutdown() }
        for engine in engines {
            let namespace = "hard\(engine.name)"
            let directory = container.shared.appendingPathComponent(namespace).path
            // The engine's socket, seen from inside the container (a hard link in the shared directory).
            let socket = container.shared.appendingPathComponent("\(engine.name).sock").path
            unlink(socket)
            try #require(link(engine.socket, socket) == 0, "cannot link \(engine.socket): errno \(errno)")
            try container.write("/etc/systemd/system/skupperd@\(namespace).service.d/directory.conf", "[Service]\nReadWritePaths=\(directory)\n")
            try container.write(
                "/etc/default/skupperd-\(namespace)",
                "SKUPPER_PLATFORM=\(engine.name)\n"
                    + "SKUPPERD_OPTIONS=--config-dir \(directory) --container-socket \(socket) --router-image \(engine.image)\n")
            try container.write("\(directory)/input/resources/site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: \(namespace)\n")
            if engine.name == "docker" {
                // Not root: the system user `skupper` in the docker group, with the package's example drop-in.
                try container.checked([
                    "sh", "-c",
                    "getent group docker >/dev/null || groupadd --system docker; "
                        + "getent passwd skupper >/dev/null || useradd --system --no-create-home --home-dir /var/lib/skupper skupper",
                ])
                try container.checked(["sh", "-c", "chgrp docker \(socket) && chmod 0660 \(socket) && chown -R skupper:skupper \(directory)"])
                try container.write(
                    "/etc/systemd/system/skupperd@\(namespace).service.d/unprivileged.conf",
                    try String(contentsOf: Repository.root.appendingPathComponent("packaging/examples/skupperd-unprivileged.conf"), encoding: .utf8))
            }
            try container.checked(["systemctl", "daemon-reload"])
            try container.checked(["systemctl", "start", "skupperd@\(namespace).service"])
            let routerContainer = "\(namespace)-skupper-router"
            var state: [String: String] = [:]
            let deadline = Date().addingTimeInterval(60)
            repeat {
                usleep(200_000)
                state = try container.show("skupperd@\(namespace).service", ["ActiveState", "StatusText"])
            } while state["StatusText"]?.contains("router running") != true && state["ActiveState"] == "active" && Date() < deadline
            let journal = (try? container.exec(["journalctl", "-u", "skupperd@\(namespace).service", "-n", "30", "--no-pager"]).output) ?? ""
            #expect(state["ActiveState"] == "active" && state["StatusText"]?.contains("router running") == true, "\(engine.name): \(state)\n\(journal)")
            #expect(
                ((try engine.inspect(routerContainer))?["State"] as? [String: Any])?["Running"] as? Bool == true, "\(engine.name): no running router container")
            if engine.name == "docker" {
                let pid = try container.show("skupperd@\(namespace).service", ["MainPID"])["MainPID"] ?? ""
                #expect(try container.checked(["stat", "-c", "%U", "/proc/\(pid)"]).trimmingCharacters(in: .whitespacesAndNewlines) == "skupper")
            }
            try container.checked(["systemctl", "stop", "skupperd@\(namespace).service"])
            #expect(try container.show("skupperd@\(namespace).service", ["Result"])["Result"] == "success")
            engine.remove(routerContainer)
            unlink(socket)
        }
        // And the render platform (the configuration only, no router).
        let directory = container.shared.appendingPathComponent("hardrender").path
        try container.write("/etc/systemd/system/skupperd@hardrender.service.d/directory.conf", "[Service]\nReadWritePaths=\(directory)\n")
        try container.write("/etc/default/skupperd-hardrender", "SKUPPER_PLATFORM=render\nSKUPPERD_OPTIONS=--config-dir \(directory)\n")
        try container.write("\(directory)/input/resources/site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: hardrender\n")
        try container.checked(["systemctl", "daemon-reload"])
        try container.checked(["systemctl", "start", "skupperd@hardrender.service"])
        let rendered = try container.show("skupperd@hardrender.service", ["ActiveState", "StatusText"])
        #expect(rendered["ActiveState"] == "active" && rendered["StatusText"] == "Site hardrender, router rendered", "\(rendered)")
        #expect(try container.exec(["test", "-s", "\(directory)/runtime/router/skrouterd.json"]).status == 0)
        try container.checked(["systemctl", "stop", "skupperd@hardrender.service"])
        print("platforms under the hardened unit: \(engines.map(\.name).joined(separator: ", ")), render")
    }

    /// packaging/build-deb.sh (a release build with the Swift runtime linked statically, reused when nothing
    /// changed) makes a .deb that installs with dpkg into the systemd container, whose binaries run there and
    /// whose packaged unit runs the agent. SKUPPER_SKIP_DEB_TEST=1 skips it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SKUPPER_SKIP_DEB_TEST"] == nil))
    func debianPackageInstallsAndRuns() throws {
        let container = try SystemdContainer.shared()
        let started = Date()
        // Niced: the release build must not starve the tests running beside it.
        let build = try run([
            "nice", "-n", "19", "bash", Repository.path("packaging/build-deb.sh"), "--out", container.shared.appendingPathComponent("deb").path,
        ])
        try #require(build.status == 0, "build-deb.sh failed: \(build.output.suffix(4000))")
        let deb = build.output.split(separator: "\n").last.map(String.init) ?? ""
        print("packaging/build-deb.sh: \(String(format: "%.1f", Date().timeIntervalSince(started))) s, \(deb)")
        #expect(deb.hasSuffix(".deb"))

        let contents = try run(["dpkg-deb", "-c", deb]).output
        for path in [
            "./usr/bin/skupperd", "./usr/bin/skupper", "./lib/systemd/system/skupperd.service", "./lib/systemd/system/skupperd@.service",
            "./usr/lib/systemd/user/skupperd.service", "./usr/lib/systemd/user/skupperd@.service", "./etc/default/skupperd",
            "./usr/share/doc/skupper-local/README.md.gz", "./usr/share/doc/skupper-local/changelog.gz",
            "./usr/share/man/man1/skupper.1.gz", "./usr/share/man/man1/skupperd.1.gz",
            "./usr/share/bash-completion/completions/skupper", "./usr/share/zsh/vendor-completions/_skupper",
            "./usr/share/fish/vendor_completions.d/skupper.fish", "./usr/lib/sysusers.d/skupper-local.conf",
        ] {
            #expect(contents.contains(" \(path)\n"), "\(path) is not in the package")
        }
        // Depends as dpkg-shlibdeps computed it: what the binaries link, nothing they do not.
        let depends = try run(["dpkg-deb", "-f", deb, "Depends"]).output
        for package in ["libsystemd0", "libqpid-proton11", "libyaml-0-2", "libc6"] { #expect(depends.contains(package), "\(depends)") }
        for package in ["libssl3", "libcurl4"] { #expect(!depends.contains(package), "\(depends)") }
        #expect(try run(["dpkg-deb", "-I", deb, "md5sums"]).output.contains("usr/bin/skupperd"))
        // build-deb.sh fails on a lintian error or warning; the test says so again where lintian is installed.
        if (try? run(["sh", "-c", "command -v lintian"]))?.status == 0 {
            let lintian = try run(["lintian", "--fail-on", "error,warning", deb])
            #expect(lintian.status == 0, "\(lintian.output)")
        }

        // The previous release's package: the same files with its version and its maintainer scripts, which
        // neither stopped agents on removal nor restarted them on upgrade.
        let previous = try Self.previousPackage(of: deb, in: container.shared.appendingPathComponent("deb-previous"))
        try container.installRouterPackage()
        var result = try container.exec(["dpkg", "-i", previous])
        try #require(result.status == 0, "dpkg -i (previous): \(result.output)")
        try container.write(
            "/var/lib/skupper/namespaces/pkg/input/resources/site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: pkg-site\n")
        try container.write("/etc/default/skupperd-pkg", "SKUPPER_PLATFORM=linux\n")
        try container.checked(["systemctl", "start", "skupperd@pkg.service"])
        try container.checked(["systemctl", "enable", "skupperd.service"])
        let before = try container.show("skupperd@pkg.service", ["ActiveState", "MainPID"])
        #expect(before["ActiveState"] == "active", "\(before)")

        // Upgrade: the running agent is restarted on the new binary; the administrator's enablement is kept.
        result = try container.exec(["dpkg", "-i", deb])
        try #require(result.status == 0, "dpkg -i (upgrade): \(result.output)")
        #expect(try container.checked(["/usr/bin/skupperd", "--version"]).trimmingCharacters(in: .whitespacesAndNewlines) == SkupperVersion.description)
        #expect(try container.checked(["/usr/bin/skupper", "--help"]).contains("system"))
        // No Swift runtime from the toolchain (which the container happens to see at /opt/swift).
        let libraries = try container.checked(["ldd", "/usr/bin/skupperd", "/usr/bin/skupper"])
        #expect(!libraries.contains("swift") && !libraries.contains("not found"), "\(libraries)")
        let agent = try waitForActive(container, "skupperd@pkg.service")
        #expect(agent["MainPID"] != before["MainPID"], "not restarted on upgrade: \(before) -> \(agent)")
        #expect(agent["FragmentPath"] == "/lib/systemd/system/skupperd@.service", "\(agent)")
        #expect(agent["StatusText"] == "Site pkg-site, router running", "\(agent)")
        #expect(try container.show("skupper-pkg.service", ["ActiveState"])["ActiveState"] == "active")
        #expect(try container.exec(["systemctl", "is-enabled", "skupperd.service"]).output.hasPrefix("enabled"))
        #expect(try container.exec(["getent", "passwd", "skupper"]).status == 0, "the system user was not created")

        // The linux platform rotates certificates live: a certificate of the user's for the router's local server
        // (made on the host from the site's CA) is taken through management; the router unit is not restarted.
        let namespace = "/var/lib/skupper/namespaces/pkg"
        let routerPid = try container.show("skupper-pkg.service", ["MainPID"])["MainPID"]
        let scratch = try ScratchDirectory()
        let authority = URL(fileURLWithPath: scratch.path("ca")), current = URL(fileURLWithPath: scratch.path("current.crt"))
        try FileManager.default.createDirectory(at: authority, withIntermediateDirectories: true)
        for file in ["tls.crt", "tls.key"] {
            try container.checked(["cat", "\(namespace)/runtime/issuers/skupper-local-ca/\(file)"]).write(
                to: authority.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        try container.checked(["cat", "\(namespace)/runtime/certs/skupper-local-server/tls.crt"]).write(to: current, atomically: true, encoding: .utf8)
        let issued = URL(fileURLWithPath: scratch.path("issued"))
        _ = try OpenSSLCertificates.issue(into: issued, authority: authority, like: current, commonName: "skupper-local-server", days: 365)
        for file in ["ca.crt", "tls.key", "tls.crt"] {
            try container.write(
                "\(namespace)/input/certs/skupper-local-server/\(file)", try String(contentsOf: issued.appendingPathComponent(file), encoding: .utf8),
                mode: file == "tls.key" ? "0600" : "0644")
        }
        var updated = false
        for _ in 0..<100 where !updated {
            usleep(200_000)
            updated = try container.exec(["journalctl", "-u", "skupper-pkg.service", "--no-pager"]).output.contains("Updated sslProfile skupper-local-server")
        }
        let agentJournal = (try? container.exec(["journalctl", "-u", "skupperd@pkg.service", "--no-pager", "-n", "30"]).output) ?? ""
        #expect(updated, "the router did not take the new certificate: \(agentJournal)")
        #expect(try container.show("skupper-pkg.service", ["MainPID"])["MainPID"] == routerPid, "the router unit was restarted")
        #expect(try container.checked(["cat", "\(namespace)/runtime/state/tls-ordinals.json"]).contains("skupper-local-server"))

        // Remove: the agents stop; state, keys and settings stay for a later install.
        result = try container.exec(["dpkg", "-r", "skupper-local"])
        #expect(result.status == 0, "dpkg -r: \(result.output)")
        #expect(try container.show("skupperd@pkg.service", ["ActiveState"])["ActiveState"] != "active")
        #expect(try container.exec(["test", "-e", "/usr/bin/skupperd"]).status != 0)
        #expect(try container.exec(["test", "-e", "/lib/systemd/system/skupperd@.service"]).status != 0)
        #expect(try container.exec(["test", "-e", "/var/lib/skupper/namespaces/pkg/runtime/certs"]).status == 0)
        #expect(try container.exec(["test", "-e", "/etc/default/skupperd"]).status == 0)

        // Purge: the sites' state and keys, the generated settings and router units, the enablement go.
        result = try container.exec(["dpkg", "-P", "skupper-local"])
        #expect(result.status == 0, "dpkg -P: \(result.output)")
        for path in [
            "/var/lib/skupper", "/etc/default/skupperd", "/etc/default/skupperd-pkg", "/etc/systemd/system/skupper-pkg.service",
            "/etc/systemd/system/default.target.wants/skupper-pkg.service", "/etc/systemd/system/multi-user.target.wants/skupperd.service",
        ] {
            #expect(try container.exec(["test", "-e", path]).status != 0, "\(path) is left after purge")
        }
        #expect(try container.show("skupper-pkg.service", ["ActiveState"])["ActiveState"] != "active")

        // A bundle carrying the package, run on a host without skupper-local (purged above): its install.sh checks the
        // package's digest, installs it, then the site, and starts it under systemd.
        let carried = try TemporarySite(namespace: "carried")
        let created = try SkupperCLI.run(["site", "create", "carried-site", "-n", "carried"], site: carried)
        try #require(created.status == 0, "\(created)")
        let bundle = container.shared.appendingPathComponent("carried")
        let made = try SkupperCLI.run(
            ["system", "generate-bundle", bundle.path, "--type", "shell-script", "-n", "carried", "-p", "linux", "--package", deb], site: carried)
        try #require(made.status == 0, "\(made)")
        let installed = try container.exec(["env", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "sh", bundle.path + ".sh"])
        #expect(installed.status == 0, "\(installed.output)")
        #expect(
            installed.output.contains("Installing the skupper-local package bundled here: \(URL(fileURLWithPath: deb).lastPathComponent)"),
            "\(installed.output)")
        #expect(installed.output.contains("Site \"carried-site\" has been created on namespace \"carried\""), "\(installed.output)")
        let bundled = try waitForActive(container, "skupperd@carried.service")
        #expect(bundled["FragmentPath"] == "/lib/systemd/system/skupperd@.service", "the packaged unit: \(bundled)")
        #expect(bundled["StatusText"] == "Site carried-site, router running", "\(bundled)")
        result = try container.exec(["dpkg", "-P", "skupper-local"])
        #expect(result.status == 0, "dpkg -P: \(result.output)")
        print("package: build, lintian, install, upgrade, remove, purge, bundle in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// Waits (10 s at most) for a unit to be active again and returns its state.
    private func waitForActive(_ container: SystemdContainer, _ unit: String) throws -> [String: String] {
        let deadline = Date().addingTimeInterval(10)
        var state = try container.show(unit, ["ActiveState", "MainPID", "StatusText", "FragmentPath"])
        while (state["ActiveState"] != "active" || state["StatusText"]?.hasSuffix("router running") != true) && Date() < deadline {
            usleep(100_000)
            state = try container.show(unit, ["ActiveState", "MainPID", "StatusText", "FragmentPath"])
        }
        return state
    }

    /// The package as the previous release (2.1.0+local.0.0.9) shipped it: these files, its two maintainer scripts.
    static func previousPackage(of deb: String, in directory: URL) throws -> String {
        let tree = directory.appendingPathComponent("tree")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try #require(try run(["dpkg-deb", "-R", deb, tree.path]).status == 0)
        let debian = tree.appendingPathComponent("DEBIAN")
        let control = try String(contentsOf: debian.appendingPathComponent("control"), encoding: .utf8)
            .replacingOccurrences(of: "\nVersion: \(SkupperVersion.current.replacingOccurrences(of: "-", with: "+"))\n", with: "\nVersion: 2.1.0+local.0.0.9\n")
        try control.write(to: debian.appendingPathComponent("control"), atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(at: debian.appendingPathComponent("prerm"))
        let reload = "#!/bin/sh\nset -e\nif [ -d /run/systemd/system ]; then\n    systemctl --system daemon-reload >/dev/null || true\nfi\nexit 0\n"
        for script in ["postinst", "postrm"] {
            let file = debian.appendingPathComponent(script)
            try reload.write(to: file, atomically: true, encoding: .utf8)
            chmod(file.path, 0o755)
        }
        let previous = directory.appendingPathComponent("skupper-local_2.1.0+local.0.0.9.deb").path
        let build = try run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", tree.path, previous])
        try #require(build.status == 0, "\(build.output)")
        return previous
    }
}
