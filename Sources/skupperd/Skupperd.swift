import Agent
import ArgumentParser
import FoundationEssentials
import HostSupport
import Journal
import Logging
import NetworkConsole
import Platforms
import Resources
import ServerLimits
import ServiceLifecycle
import SiteFiles

/// `skupperd`: the site agent.
@main
struct Skupperd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skupperd",
        abstract: "The skupper-local site agent: renders and runs a Skupper site from the resources in a directory.",
        discussion: """
            Resources (Site, Listener, Connector, Link, RouterAccess, AccessGrant, AccessToken, TokenRequest, Secret) \
            are read from <config-dir>/input/resources; the router configuration, certificates and status files are \
            written under <config-dir>/runtime. The default config dir is $XDG_DATA_HOME/skupper/namespaces/<namespace> \
            (/var/lib/skupper/namespaces/<namespace> as root).
            """,
        version: SkupperVersion.description)

    @Option(name: .shortAndLong, help: "The namespace (a directory under …/skupper/namespaces).")
    var namespace: String = "default"

    @Option(
        name: .customLong("config-dir"),
        help: "The namespace directory, overriding the default location (also $SKUPPER_CONFIG_DIR, as the skupper command line reads it).")
    var configDir: String?

    @Option(help: "How the router runs: \(PlatformKind.choices). Default: $SKUPPER_PLATFORM, else \(PlatformKind.agentDefault.rawValue).")
    var platform: String?

    @Option(
        name: .customLong("container-socket"),
        help: "The docker/podman engine's unix socket (default: $CONTAINER_ENDPOINT or $DOCKER_HOST, else the engine's usual socket).")
    var containerSocket: String?

    @Option(
        name: .customLong("router-image"),
        help:
            "The router image for docker/podman (default: $SKUPPER_ROUTER_IMAGE, else Skupper's pinned skupper-router image; a Site's settings.router-image wins)."
    )
    var routerImage: String?

    @Option(
        name: .customLong("systemd-scope"),
        help: "systemd/linux platform: the service manager of the router unit, system or user (default: system for root, else user).")
    var systemdScope: String?

    @Option(
        name: .customLong("systemd-unit-dir"),
        help: ArgumentHelp("systemd/linux platform: where the router unit is written (default: the scope's).", visibility: .hidden))
    var systemdUnitDir: String?

    @Option(
        name: .customLong("systemctl"),
        help: ArgumentHelp("systemd/linux platform: the systemctl command line, split at spaces (default: systemctl [--user]).", visibility: .hidden))
    var systemctl: String?

    @Flag(help: "Write an example Site and Listener into the input directory when it holds no resources.")
    var example = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .customLong("debounce-ms"), help: "Quiet time before a burst of file changes is applied.")
    var debounceMilliseconds: Int = 20

    @Option(
        name: .customLong("grant-server-port"),
        help: "Port of the token-redemption service (HTTPS). Default: 9090, or the next free one after it when another agent on this host has it.")
    var grantServerPort: Int?

    @Option(name: .customLong("grant-server-bind"), help: "Address the token-redemption service binds.")
    var grantServerBind: String = "0.0.0.0"

    @Option(
        name: .customLong("grant-server-host"),
        help: "Host name or address written into grant URLs and link endpoints (default: this machine's first non-loopback address).")
    var grantServerHost: String?

    @Option(
        name: .customLong("metrics-address"),
        help: ArgumentHelp(
            "Serve Prometheus metrics (/metrics) and readiness (/healthz) over HTTP at HOST:PORT, e.g. 127.0.0.1:9464 (off by default).",
            valueName: "host:port"))
    var metricsAddress: String?

    @Option(
        name: .customLong("console-address"),
        help: ArgumentHelp(
            "Serve the network console (a web page of the network, Skupper's observer API, the network's metrics) at HOST:PORT, or none. Default: 127.0.0.1, the first free port from 8010. Any address but loopback needs --console-password-file or client certificates (--console-tls-dir with a ca.crt).",
            valueName: "host:port|none"))
    var consoleAddress: String?

    @Option(
        name: .customLong("console-password-file"),
        help: ArgumentHelp("A file holding one line user:password (owner-only): the console asks for it (HTTP Basic).", valueName: "path"))
    var consolePasswordFile: String?

    @Option(
        name: .customLong("console-tls-dir"),
        help: ArgumentHelp(
            "Serve the console over HTTPS with DIR's tls.crt and tls.key; with a ca.crt there too, clients must present a certificate it issued.",
            valueName: "dir"))
    var consoleTLSDirectory: String?

    @Option(
        name: .customLong("flow-record-ttl"),
        help: ArgumentHelp("How long the console keeps a closed connection (as Skupper's network observer: 15m by default).", valueName: "duration"))
    var flowRecordTTL: String = "15m"

    @Flag(name: .customLong("disable-grants"), help: "Do not serve access grants.")
    var disableGrants = false

    @Option(
        name: .customLong("router-path"),
        help:
            "process platform: the skrouterd to run (default: $SKUPPER_ROUTER_PATH, else skrouterd on the PATH, /usr/sbin/skrouterd, or scripts/build-router.sh's build)."
    )
    var routerPath: String?

    @Flag(
        name: .customLong("restart-router-on-every-change"),
        help: ArgumentHelp(
            "Restart the router for every configuration change instead of changing it through management (a benchmark baseline).", visibility: .hidden))
    var restartRouterOnEveryChange = false

    @Option(name: .customLong("platform-check-interval"), help: "Seconds between checks of the router's state (it is restarted when it died).")
    var platformCheckInterval: Double = 5

    @Option(
        name: .customLong("certificate-check-interval"),
        help: "Seconds between checks of the certificates' ends (renewed 30 days before, warned of when nobody here can renew them).")
    var certificateCheckInterval: Double = 3600

    func validate() throws {
        if let grantServerPort, !(0...65535).contains(grantServerPort) {
            throw ValidationError("--grant-server-port: \(grantServerPort) is not a port number")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: unknown level \"\(logLevel)\" (expected trace, debug, info, notice, warning, error or critical)")
        }
        if let metricsAddress {
            do { _ = try MetricsAddress(parsing: metricsAddress) } catch { throw ValidationError("--metrics-address: \(error)") }
        }
        if let consoleAddress {
            let address: ConsoleAddress?
            do { address = try ConsoleAddress.parse(consoleAddress) } catch { throw ValidationError("--console-address: \(error)") }
            let clientCertificates = consoleTLSDirectory.map { FileManager.default.fileExists(atPath: "\($0)/ca.crt") } ?? false
            if let address, !address.isLoopback, consolePasswordFile == nil, !clientCertificates {
                throw ValidationError(
                    "--console-address \(address): the console would be open to the network without authentication: give --console-password-file, or client certificates' CA (ca.crt in --console-tls-dir), or bind a loopback address (and reach it with ssh -L)"
                )
            }
        }
        guard let ttl = GoDuration(flowRecordTTL), ttl.seconds >= 1, ttl <= GoDuration.maximumWindow else {
            throw ValidationError("--flow-record-ttl: \"\(flowRecordTTL)\" is not a duration from 1s to 8760h (e.g. 15m, 1h)")
        }
        guard ObjectMeta.isValidName(namespace) else { throw ValidationError("--namespace: invalid name \"\(namespace)\"") }
    }

    func run() async throws {
        // Before anything is allocated in earnest (see Heap).
        Heap.holdLargeBlocksApart()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        // Under systemd with stderr going to the journal: structured entries (priority, fields), no second timestamp.
        let journal = JournalStream.isStandardError()
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = journal ? JournalLogHandler(label: label, identifier: "skupperd") : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "skupperd")
        // The same directory the command line works in: --config-dir, else $SKUPPER_CONFIG_DIR, else the namespace's.
        let namedDirectory = configDir ?? ProcessInfo.processInfo.environment["SKUPPER_CONFIG_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let layout =
            namedDirectory.map { SiteLayout(root: URL(fileURLWithPath: $0), namespace: namespace) }
            ?? SiteLayout.standard(namespace: namespace)
        // One agent per namespace directory: a second one leaves everything as it is and exits at once.
        let lock: AgentLock
        do {
            lock = try AgentLock.acquire(layout)
        } catch {
            logger.critical("the namespace is not available", metadata: ["directory": "\(layout.root.path)", "error": "\(error)"])
            throw ExitCode(error.isHeld ? AgentLock.heldExitStatus : 1)
        }
        // Skupper v2's system controller runs every namespace beside this one while it holds their lock.
        let controllerLock: ControllerLock?
        do {
            controllerLock = try ControllerLock.acquire(layout)
        } catch {
            logger.critical("the namespace is not available", metadata: ["directory": "\(layout.root.path)", "error": "\(error)"])
            // As for the agent's own lock: held by another program is 75 (systemd does not restart it), else 1.
            throw ExitCode(error.isHeld ? AgentLock.heldExitStatus : 1)
        }
        defer { withExtendedLifetime(controllerLock) {} }
        if example { try ExampleSite.seed(layout) }
        // The listening services' connection caps come out of the descriptors the agent's own work does not need.
        let descriptors = DescriptorBudget.raisingSoftLimit()
        if descriptors.isLow {
            logger.warning(
                "the file descriptor limit is low: connection caps are smaller (raise LimitNOFILE or ulimit -n)",
                metadata: [
                    "limit": "\(descriptors.limit)", "recommended": "\(DescriptorBudget.recommended)",
                ])
        }
        let kind: PlatformKind
        do {
            kind = try PlatformKind.resolve(platform, environment: ProcessInfo.processInfo.environment) ?? PlatformKind.agentDefault
        } catch {
            throw ValidationError("--platform: \(error)")
        }
        // v2's commands find the namespace's platform here.
        do { try V2PlatformFile.write(layout, platform: kind) } catch {
            logger.warning("cannot write the platform file Skupper v2 reads", metadata: ["path": "\(V2PlatformFile.url(layout).path)", "error": "\(error)"])
        }
        let routerPlatform: any RouterPlatform
        switch kind {
        case .render:
            routerPlatform = RenderOnlyPlatform()
        case .process:
            routerPlatform = ProcessPlatform(executable: RouterExecutable.find(routerPath), logger: logger)
        case .docker, .podman:
            do {
                routerPlatform = try ContainerPlatform(
                    engine: kind == .docker ? .docker : .podman, socketPath: containerSocket,
                    routerImage: routerImage, logger: logger)
            } catch {
                throw ValidationError("--platform \(kind.rawValue): \(error)")
            }
        case .systemd, .linux:
            // The router runs as skupper-<namespace>.service under the system manager (root) or the user's.
            let scope =
                try systemdScope.map { name in
                    guard let scope = SystemdScope(rawValue: name) else {
                        throw ValidationError("--systemd-scope: \"\(name)\" is not valid: choose system or user")
                    }
                    return scope
                } ?? SystemdScope.current
            routerPlatform = SystemdPlatform(
                scope: scope, unitDirectory: systemdUnitDir.map { URL(fileURLWithPath: $0) },
                systemctl: systemctl.map { Systemctl(command: $0.split(separator: " ").map(String.init)) }, kind: kind)
        }
        // Without --grant-server-port, the next free port after the default is taken when another agent has it.
        var grantServer = GrantServerOptions(
            enabled: !disableGrants, bindHost: grantServerBind, port: grantServerPort ?? GrantServerOptions.defaultPort,
            portSearch: grantServerPort == nil ? GrantServerOptions.defaultPortSearch : 0, advertisedHost: grantServerHost)
        grantServer.connections = descriptors.grantServer
        var agentOptions = AgentOptions(layout: layout, debounce: .milliseconds(debounceMilliseconds), grantServer: grantServer)
        agentOptions.platformCheckInterval = platformCheckInterval
        agentOptions.certificateCheckInterval = max(certificateCheckInterval, 1)
        agentOptions.restartRouterOnEveryChange = restartRouterOnEveryChange
        let consoleAddress = try self.consoleAddress.map { text in try ConsoleAddress.parse(text) } ?? ConsoleAddress.default
        let consoleAuthentication: ConsoleAuthentication?
        do { consoleAuthentication = try consolePasswordFile.map { path in try ConsoleAuthentication.load(passwordFile: path) } } catch {
            throw ValidationError("\(error)")
        }
        let consoleTLS: ConsoleTLS?
        do { consoleTLS = try consoleTLSDirectory.map { directory in try ConsoleTLS.load(directory: directory) } } catch {
            throw ValidationError("\(error)")
        }
        let console = consoleAddress.map { _ in ConsoleFeed() }
        agentOptions.console = console
        agentOptions.connectionRetention = .seconds(GoDuration(flowRecordTTL)?.seconds ?? 900)
        let (grants, ledger) = AgentService.grantServer(agentOptions, logger: logger)
        let agent = AgentService(options: agentOptions, platform: routerPlatform, grantServer: grants, ledger: ledger, lock: lock, logger: logger)
        // The grant and metrics servers are listed first, so they are stopped after the agent (services stop in reverse order).
        // Each is named here: service-lifecycle would otherwise describe each service, a dynamic cast per protocol it
        // might print by, each a walk of all the binary's conformances at start.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: grants, serviceName: "GrantServer")]
        let metricsAddress = try self.metricsAddress.map(MetricsAddress.init(parsing:))
        let metrics = metricsAddress != nil || console != nil ? MetricsExport.bootstrap() : nil
        if let metricsAddress, let metrics {
            services.append(
                .init(
                    service: MetricsServer(address: metricsAddress, export: metrics, health: agent.health, caps: descriptors.metrics, logger: logger),
                    serviceName: "MetricsServer"))
        }
        if let console, let consoleAddress {
            let routes = ConsoleRoutes(
                feed: console, authentication: consoleAuthentication, clientCertificates: consoleTLS?.requiresClientCertificates ?? false,
                boundHost: consoleAddress.host
            ) { metrics?.text() ?? "" }
            services.append(
                .init(
                    service: ConsoleServer(address: consoleAddress, routes: routes, tls: consoleTLS, caps: descriptors.console, logger: logger),
                    serviceName: "ConsoleServer"))
        }
        services.append(.init(service: agent, serviceName: agent.description))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
