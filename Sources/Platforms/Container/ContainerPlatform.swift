import AsyncHTTPClient
import FoundationEssentials
import Logging
import SiteFiles

/// Runs the router as a container on Docker or Podman (through the Docker-compatible Engine API), the way
/// Skupper v2's docker/podman sites do: container `<namespace>-skupper-router`, host networking, the rendered
/// configuration and certificates bind-mounted, `${SSL_PROFILE_BASE_PATH}` in the configuration expanded by
/// the router image's start script.
///
/// `apply` is idempotent: with nothing changed it only inspects. The router has no file reload, so a changed
/// configuration or certificate restarts the container; a changed create spec (image, environment, mounts,
/// labels) recreates it.
public final class ContainerPlatform: RouterPlatform {
    /// docker or podman.
    public let engine: ContainerEngineKind
    /// The Engine API client.
    public let client: EngineClient
    /// The `--router-image` option, if given.
    public let routerImage: String?
    /// When images are pulled.
    public let pullPolicy: ImagePullPolicy
    /// Seconds the router gets to stop before it is killed.
    public let stopTimeout: Int
    let environment: [String: String]
    let logger: Logger

    /// A platform for `engine` at `socketPath` (else the socket ``ContainerEngineKind/socketPath(explicit:environment:isRoot:)`` picks).
    public init(
        engine: ContainerEngineKind, socketPath: String? = nil, routerImage: String? = nil, pullPolicy: ImagePullPolicy? = nil,
        stopTimeout: Int = 10, environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "skupperd.platform")
    ) throws {
        self.engine = engine
        let path = try engine.socketPath(explicit: socketPath, environment: environment)
        client = EngineClient(socketPath: path, engineName: engine.rawValue, httpClient: httpClient)
        self.routerImage = routerImage.flatMap { $0.isEmpty ? nil : $0 }
        self.pullPolicy = pullPolicy ?? ImagePullPolicy.from(environment: environment)
        self.stopTimeout = stopTimeout
        self.environment = environment
        self.logger = logger
    }

    /// "docker" or "podman".
    public var kind: PlatformKind { engine == .docker ? .docker : .podman }

    public var runsRouter: Bool { true }

    public var metadataName: String { engine.rawValue }

    /// `${SSL_PROFILE_BASE_PATH}`: the router image's configure script expands it to `/etc/skupper-router`.
    /// The router image expands `${SSL_PROFILE_BASE_PATH}` to where it mounts the site's directory.
    public func sslProfileBasePath(for layout: SiteLayout) -> String { "${SSL_PROFILE_BASE_PATH}" }

    /// Where the image expands `${SSL_PROFILE_BASE_PATH}` to: the paths management sends the running router.
    public func runningBasePath(for layout: SiteLayout) -> String { RouterContainer.basePath }

    /// Creates, starts, restarts or recreates the router container as needed (see the type's documentation);
    /// `configChanged` is not needed: a digest of the configuration and certificates decides.
    public func apply(layout: SiteLayout, siteName: String, siteId: String, settings: [String: String], configChanged: Bool) async throws -> PlatformState {
        let image = RouterContainer.image(settings: settings, option: routerImage, environment: environment)
        let desired = RouterContainer(engine: engine, layout: layout, siteName: siteName, siteId: siteId, image: image)
        let configHash = RouterContainer.configHash(layout: layout)
        // Every bind mount's source must exist (podman refuses a missing one, docker would create it as root).
        try PrivateDirectory.create(layout.proxies)
        var current = try await client.containerInspect(desired.name)
        var action = "unchanged"
        if let existing = current, existing.config.labels[RouterContainer.Label.specHash] != desired.specHash {
            guard existing.config.labels[RouterContainer.Label.application] == "skupper-v2" else {
                throw PlatformError(
                    "a container named \(desired.name) exists and was not created for a Skupper site: remove it (\(engine.rawValue) rm -f \(desired.name))")
            }
            // The old router keeps running when the new image cannot be had.
            try await ensureImage(image)
            logger.info("router container spec changed: recreating", metadata: ["container": "\(desired.name)"])
            try await client.containerStop(desired.name, timeoutSeconds: stopTimeout)
            try await client.containerRemove(desired.name, force: true)
            current = nil
            action = "recreated"
        }
        if let existing = current {
            let record = RouterContainerRecord.load(layout)
            let upToDate = record == RouterContainerRecord(containerId: existing.id, configHash: configHash)
            if existing.state.running || existing.state.restarting {
                if !upToDate {
                    try await client.containerRestart(desired.name, timeoutSeconds: stopTimeout)
                    action = "restarted"
                }
            } else {
                try await client.containerStart(desired.name)
                action = "started"
            }
            if !upToDate { try RouterContainerRecord(containerId: existing.id, configHash: configHash).save(layout) }
        } else {
            if action != "recreated" { try await ensureImage(image) }
            let id = try await client.containerCreate(name: desired.name, spec: desired.spec)
            try RouterContainerRecord(containerId: id, configHash: configHash).save(layout)
            try await client.containerStart(desired.name)
            if action != "recreated" { action = "created" }
        }
        if action != "unchanged" {
            logger.info(
                "router container applied", metadata: ["action": "\(action)", "container": "\(desired.name)", "image": "\(image)", "config": "\(configHash)"])
        }
        return Self.state(of: try await client.containerInspect(desired.name), name: desired.name)
    }

    /// Stops and removes the router container (a missing one is fine).
    public func teardown(layout: SiteLayout) async throws {
        let name = RouterContainer.containerName(namespace: layout.namespace)
        if try await client.containerInspect(name) != nil {
            try await client.containerStop(name, timeoutSeconds: stopTimeout)
            try await client.containerRemove(name, force: true)
            logger.info("router container removed", metadata: ["container": "\(name)"])
        }
        RouterContainerRecord.remove(layout)
    }

    /// The router container's state: running, exited with its code, or missing; an unreachable engine is a failure.
    public func state(layout: SiteLayout) async -> PlatformState {
        let name = RouterContainer.containerName(namespace: layout.namespace)
        do {
            return Self.state(of: try await client.containerInspect(name), name: name)
        } catch {
            return PlatformState(.failed, "\(error)")
        }
    }

    /// Maps an inspection to a platform state.
    public static func state(of container: ContainerInspection?, name: String) -> PlatformState {
        guard let container else { return PlatformState(.stopped, "router container \(name) does not exist") }
        let state = container.state
        let error = state.error.isEmpty ? "" : ": \(state.error)"
        if state.restarting { return PlatformState(.starting, "router container \(name) is restarting (last exit code \(state.exitCode))\(error)") }
        if state.running { return PlatformState(.running, "router container \(name) running (image \(container.config.image))") }
        switch state.status {
        case "created": return PlatformState(.stopped, "router container \(name) is created but not started")
        case "paused": return PlatformState(.stopped, "router container \(name) is paused")
        default: return PlatformState(.failed, "router container \(name) exited with code \(state.exitCode)\(error)")
        }
    }

    /// Makes sure the image is present, pulling it as the pull policy allows.
    func ensureImage(_ image: String) async throws {
        let present = try await client.imageExists(image)
        if present && pullPolicy != .always { return }
        let advice = "load it (\(engine.rawValue) load / \(engine.rawValue) import) or set --router-image"
        guard pullPolicy != .never else {
            throw PlatformError("router image \(image) is not available locally and pulling is disabled (SKUPPER_ROUTER_IMAGE_PULL_POLICY=Never): \(advice)")
        }
        do {
            logger.info("pulling router image", metadata: ["image": "\(image)"])
            try await client.imagePull(image, timeout: .seconds(120))
        } catch let error as EngineError where error.kind != .unreachable {
            if present {
                logger.warning("pull failed; using the local image", metadata: ["image": "\(image)", "error": "\(error)"])
                return
            }
            throw PlatformError("router image \(image) is not available locally and no registry can be reached (\(error)): \(advice)")
        }
    }
}
