// swift-tools-version:6.0
import Foundation
import PackageDescription

/// What the Grants module needs but TLS (NIOSSL is for its listener, GrantServer+Listening.swift).
let grantsDependencies: [Target.Dependency] = [
    "Resources", "Certificates", "SiteFiles", "HostSupport", "ServerLimits",
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "Metrics", package: "swift-metrics"),
]

/// What the NetworkConsole module needs but TLS (NIOSSL is for its HTTPS, Server/ConsoleTLS.swift).
let consoleDependencies: [Target.Dependency] = [
    "FlowRecords", "RouterEntities", "RouterManagement", "HostSupport", "TextSupport", "ServerLimits",
    .product(name: "Logging", package: "swift-log"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
]

/// How the release agent is linked, for an idle agent's resident memory (issue 13; BENCHMARKS.md). Built as the Debian
/// package and the bench build it (`packaging/release-build-flags`: the Swift runtime linked in, for shared its
/// libraries' symbol tables and relocations were a third of the agent's memory; every function in a section of its
/// own): by lld with compact relative relocations (RELR: 3 MB of relocation records read at every start), no symbol
/// table exported (the static runtime's flags export every symbol: 2.4 MB more read at start), and the functions an
/// agent runs laid out first and together (`scripts/hot-symbols.sh` lists them; scattered, they kept 13 MB of code
/// resident).
let agentReleaseLinking: [LinkerSetting] = {
    let hotSymbols = Context.packageDirectory + "/Sources/skupperd/Link/hot-symbols.txt"
    var flags = ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"]
    if FileManager.default.fileExists(atPath: hotSymbols) {
        flags += ["-Xlinker", "--symbol-ordering-file=\(hotSymbols)", "-Xlinker", "--no-warn-symbol-ordering"]
    }
    return [.unsafeFlags(flags, .when(platforms: [.linux], configuration: .release))]
}()

let package = Package(
    name: "skupper-local",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "skupperd", targets: ["skupperd"]),
        .executable(name: "skupper", targets: ["skupper"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        /// libsystemd's sd-daemon API (sd_notify, watchdog).
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        /// swift-log handler that writes structured entries to the systemd journal when stderr is the journal.
        .target(name: "Journal", dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]),
        /// Qpid Proton's C library (Debian's libqpid-proton11-dev): the AMQP implementation skupper-router is built on.
        .systemLibrary(name: "CProton", pkgConfig: "libqpid-proton", providers: [.apt(["libqpid-proton11-dev"])]),
        /// liblz4 (Debian's liblz4-dev; libsystemd already loads it): keeps the router configuration's text compressed in memory.
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        /// libyaml (Debian's libyaml-dev): the resource reader's parser (`YAMLReader`); the agent reads YAML with it
        /// alone (Yams, which the command line writes YAML with, brings Foundation, which the agent does not link).
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        /// glibc's malloc.h (mallopt, malloc_trim), which the Glibc module does not bring in: how the agent's heap is held.
        .systemLibrary(name: "CMalloc"),
        /// glibc's GNU extensions (pipe2, posix_spawn_file_actions_addclosefrom_np, pthread_setname_np), which the Glibc
        /// module leaves out: how the agent starts its child processes and names its threads.
        .systemLibrary(name: "CGlibcGNU"),
        /// What the programs need of their host: threads, the pool for blocking work, child processes, the heap,
        /// time, whole-file reads, backoff arithmetic, the user's home.
        .target(name: "HostSupport", dependencies: ["CMalloc", "CGlibcGNU", .product(name: "NIOPosix", package: "swift-nio")]),
        /// Text quoting (Go's JSON and YAML, shell) and trimming, without Foundation.
        .target(name: "TextSupport"),
        /// What the agent and the CLI both read and write: the namespace's directory layout, atomic and private
        /// files, the agent's lock and info file, the version, the platform names.
        .target(name: "SiteFiles", dependencies: ["HostSupport", "TextSupport"]),
        /// Resource model, YAML loading and validation.
        .target(name: "Resources", dependencies: ["SiteFiles", "HostSupport", "TextSupport", "CLibYAML"]),
        /// The router's configuration as entities and JSON, as skupper-router reads it and management speaks it.
        .target(name: "RouterEntities", dependencies: ["TextSupport", "CLZ4"]),
        /// A site's plan rendered into the router's configuration Skupper v2 writes (the planner-facing side).
        .target(name: "RouterRendering", dependencies: ["Resources", "RouterEntities", "HostSupport", "TextSupport"]),
        /// Site CA, server and client certificates.
        .target(
            name: "Certificates",
            dependencies: [
                "Resources", "SiteFiles", "HostSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]),
        /// Router platforms: render-only, Docker/Podman Engine API, systemd.
        .target(
            name: "Platforms",
            dependencies: [
                "RouterEntities", "SiteFiles", "HostSupport", "TextSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        /// The router's AMQP management interface (queries, live entity changes) over Qpid Proton.
        .target(name: "RouterManagement", dependencies: ["CProton", "RouterEntities", "HostSupport"]),
        /// The network as the routers' vanflow records describe it: the records decoded, kept per source, followed
        /// over the management connection, and the view and v2's network-status document made of them.
        .target(
            name: "FlowRecords",
            dependencies: ["RouterManagement", "RouterEntities", "TextSupport", .product(name: "Logging", package: "swift-log")]),
        /// The network console: a page of the network (sites, links, services, connections), network-observer's JSON
        /// API and the network's metrics, served by the agent from the records its collector holds.
        .target(name: "NetworkConsole", dependencies: consoleDependencies + [.product(name: "NIOSSL", package: "swift-nio-ssl")]),
        /// What keeps the agent's listening services within bounds: connection caps per address and network, deadlines,
        /// idle closing, the process's descriptors shared out between them and the agent's own work, and the one-request
        /// HTTP server the metrics and the console are.
        .target(
            name: "ServerLimits",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        /// Access grants: the ledger and the HTTPS redemption service.
        .target(name: "Grants", dependencies: grantsDependencies + [.product(name: "NIOSSL", package: "swift-nio-ssl")]),
        /// Redeeming an AccessToken at another site's grant server (the HTTP client side, apart from the server's module).
        .target(
            name: "TokenRedemption",
            dependencies: [
                "Resources", "Certificates", "HostSupport", "TextSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        /// The site agent: directory watch, reconcile, status, sd_notify.
        .target(
            name: "Agent",
            dependencies: [
                "SiteFiles", "HostSupport", "TextSupport", "Resources", "RouterEntities", "RouterRendering", "RouterManagement", "FlowRecords",
                "NetworkConsole", "Certificates", "Platforms", "Grants", "TokenRedemption", "CSystemd", "ServerLimits",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        /// The `skupper` command tree.
        .target(
            name: "CLI",
            dependencies: [
                "SiteFiles", "HostSupport", "TextSupport", "Resources", "Platforms",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "skupperd",
            dependencies: [
                "Agent", "Platforms", "Resources", "SiteFiles", "HostSupport", "Journal", "ServerLimits", "NetworkConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ], exclude: ["Link"], linkerSettings: agentReleaseLinking),
        .executableTarget(name: "skupper", dependencies: ["CLI"]),
        /// Benchmarks: `swift build -c release && .build/release/bench` prints a table and JSON.
        .executableTarget(
            name: "bench",
            dependencies: [
                "Agent", "Certificates", "FlowRecords", "NetworkConsole", "Resources", "RouterManagement", "SiteFiles", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ], path: "Benchmarks/bench"),
        .testTarget(
            name: "ResourcesTests", dependencies: ["Resources", "SiteFiles", "HostSupport", "TestSupport", "CLI", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "RouterConfigTests", dependencies: ["RouterRendering", "RouterEntities", "Resources", "TestSupport"]),
        .testTarget(name: "CertificatesTests", dependencies: ["Certificates", "Resources", "SiteFiles", "TestSupport"]),
        /// Shared test fixtures: temporary site directories, a notify socket, the agent as a child process.
        .target(name: "TestSupport", dependencies: ["Resources", "SiteFiles", "HostSupport", "FlowRecords", "RouterManagement"], path: "Tests/TestSupport"),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "Grants", "TokenRedemption", "Resources", "SiteFiles", "Platforms", "RouterEntities", "RouterRendering", "RouterManagement",
                "Certificates", "TestSupport", "CLI",
                "ServerLimits",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(name: "RouterManagementTests", dependencies: ["RouterManagement", "RouterEntities", "TestSupport"]),
        .testTarget(
            name: "FlowRecordsTests",
            dependencies: ["FlowRecords", "RouterManagement", "RouterEntities", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "NetworkConsoleTests",
            dependencies: [
                "NetworkConsole", "FlowRecords", "RouterEntities", "TestSupport", "ServerLimits", "SiteFiles", "Resources",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Resources", "RouterEntities", "SiteFiles", "TestSupport"]),
        .testTarget(name: "PlatformsTests", dependencies: ["Platforms", "Resources", "SiteFiles", "HostSupport", "TestSupport"]),
        /// systemd: unit files, a real systemd in a container, `skupper system`, the Debian package.
        .testTarget(
            name: "SystemdTests",
            dependencies: [
                "Platforms", "Agent", "CLI", "Resources", "SiteFiles", "TestSupport", "Journal",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "GrantsTests",
            dependencies: [
                "Grants", "TokenRedemption", "Certificates", "Resources", "SiteFiles", "TestSupport", "ServerLimits",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzz targets, one folder each under Fuzz/ (see scripts/fuzz.sh, which sets SKUPPER_FUZZ=1 and builds them with
// libFuzzer and AddressSanitizer in .build-fuzz). Left out of ordinary builds: libFuzzer supplies their main.
if Context.environment["SKUPPER_FUZZ"] == "1" {
    // The grant target drives request handling without TLS: leaving the listener out of Grants drops NIOSSL and its
    // copy of BoringSSL, a third of what the fuzz build compiles.
    if let grants = package.targets.first(where: { $0.name == "Grants" }) {
        grants.dependencies = grantsDependencies
        grants.exclude = ["GrantServer+Listening.swift"]
    }
    // The console target drives its request handler without a listener: without its server and TLS, no NIOSSL either.
    if let console = package.targets.first(where: { $0.name == "NetworkConsole" }) {
        console.dependencies = consoleDependencies
        console.exclude = ["Server/ConsoleServer.swift", "Server/ConsoleTLS.swift"]
    }
    package.targets += [
        .executableTarget(
            name: "fuzz-resource-loader", dependencies: ["Resources", "SiteFiles"], path: "Fuzz/ResourceLoader", exclude: ["corpus", "dictionary"]),
        .executableTarget(
            name: "fuzz-grant-requests",
            dependencies: [
                "Grants", "Certificates", "Resources", "SiteFiles",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ], path: "Fuzz/GrantRequests", exclude: ["corpus", "dictionary"]),
        .executableTarget(
            name: "fuzz-console-requests",
            dependencies: [
                "NetworkConsole", "FlowRecords", "RouterManagement", "ServerLimits",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ], path: "Fuzz/ConsoleRequests", exclude: ["corpus", "dictionary"]),
        .executableTarget(
            name: "fuzz-flow-records",
            dependencies: ["FlowRecords", "RouterManagement", .product(name: "Logging", package: "swift-log")], path: "Fuzz/FlowRecords",
            exclude: ["corpus", "dictionary"]),
    ]
}
