import FoundationEssentials
import RouterConfig

/// Asks a router how its links, listeners and network are: its own entities, then (when asked for the network) the
/// interior routers it knows (`router.node`, asked at an interior: this router, or the one an edge is attached to),
/// the edge routers attached to each, and every router's site metadata, TCP listeners (with the addresses of
/// multi-address ones, their listenerAddresses) and connectors, through
/// their management nodes (`_topo/0/<id>/$management`, `_edge/<id>/$management`). Every site of a network sees
/// the same network this way.
public struct RouterObserver: Sendable {
    public let client: ManagementClient
    public var timeout: Duration
    /// How long other routers get to answer: a router that just left the network must not hold up this one's news.
    public var remoteTimeout: Duration = .milliseconds(800)

    public init(client: ManagementClient, timeout: Duration = .seconds(2)) {
        self.client = client
        self.timeout = timeout
    }

    static let connector = "io.skupper.router.connector"
    static let tcpListener = "io.skupper.router.tcpListener"
    static let tcpConnector = "io.skupper.router.tcpConnector"
    static let listenerAddress = "io.skupper.router.listenerAddress"
    static let router = "io.skupper.router.router"
    static let routerNode = "io.skupper.router.router.node"
    static let connection = "io.skupper.router.connection"

    public func observe(network: Bool) async -> RouterObservation {
        let local: [Result<ManagementResponse, ManagementError>]
        do {
            local = try await client.perform([
                .query(Self.router, attributes: ["id", "mode", "metadata"]),
                .query(Self.connector, attributes: ["name", "connectionStatus", "connectionMsg"]),
                .query(Self.tcpListener, attributes: ["name", "operStatus", "address", "connectionMsg"]),
                .query(Self.tcpConnector, attributes: ["address"]),
                .query(Self.connection, attributes: ["role", "dir", "container", "opened"]),
                .query(Self.listenerAddress, attributes: ["address"]),
            ], timeout: timeout)
        } catch {
            return RouterObservation(unreachable: "\(error)")
        }
        guard case .success(let routerAnswer) = local[0], let router = routerAnswer.entities.first, let ownId = router["id"]?.text else {
            if case .failure(let error) = local[0] { return RouterObservation(unreachable: error.description) }
            return RouterObservation(unreachable: "the router did not describe itself")
        }
        var observation = RouterObservation()
        for entity in Self.entities(local[1]) {
            guard let name = entity["name"]?.text else { continue }
            observation.links[name] = LinkConnection(status: entity["connectionStatus"]?.text ?? "", message: entity["connectionMsg"]?.text ?? "")
        }
        let listeners = Self.entities(local[2])
        for entity in listeners {
            guard let name = entity["name"]?.text else { continue }
            if entity["operStatus"]?.text == "up" {
                observation.listenersUp.insert(name)
            } else if let failure = Self.listenFailure(entity) {
                observation.listenerErrors[name] = failure
            }
        }
        guard network else { return observation }

        let mode = router["mode"]?.text ?? "interior"
        let connections = Self.entities(local[4])
        var sites: [String: NetworkSite] = [ownId: Self.site(ownId, router: router, listeners: listeners + Self.entities(local[5]),
                                                             connectors: Self.entities(local[3]))]
        // The interior routers, as an interior sees them.
        let interior: ManagementNode
        if mode == "edge" {
            guard let uplink = connections.first(where: { $0["role"]?.text == "edge" && $0["dir"]?.text == "out" && $0["opened"]?.text == "true" })?["container"]?.text else {
                observation.network = Array(sites.values)
                return observation
            }
            interior = .interior(uplink)
        } else {
            interior = .local
        }
        var interiors = [ownId]
        if let nodes = try? await client.perform([.query(Self.routerNode, attributes: ["id"], at: interior)], timeout: remoteTimeout).first,
           case .success(let answer) = nodes {
            interiors = answer.entities.compactMap { $0["id"]?.text }
        }
        interiors = interiors.filter { $0 != ownId || mode != "edge" }
        // The edges attached to each interior.
        var edges: [String] = []
        let edgeQueries = interiors.map { id in ManagementRequest.query(Self.connection, attributes: ["role", "dir", "container"], at: id == ownId ? .local : .interior(id)) }
        if let answers = try? await client.perform(edgeQueries, timeout: remoteTimeout) {
            for answer in answers {
                for entity in Self.entities(answer) where entity["role"]?.text == "edge" && entity["dir"]?.text == "in" {
                    if let id = entity["container"]?.text, id != ownId { edges.append(id) }
                }
            }
        }
        // Every other router's site and services.
        let others: [(String, ManagementNode)] = interiors.filter { $0 != ownId }.map { ($0, .interior($0)) } + edges.map { ($0, .edge($0)) }
        var requests: [ManagementRequest] = []
        for (_, node) in others {
            requests += [.query(Self.router, attributes: ["id", "mode", "metadata"], at: node),
                         .query(Self.tcpListener, attributes: ["address", "operStatus", "connectionMsg"], at: node),
                         .query(Self.tcpConnector, attributes: ["address"], at: node),
                         .query(Self.listenerAddress, attributes: ["address"], at: node)]
        }
        if !requests.isEmpty, let answers = try? await client.perform(requests, timeout: remoteTimeout) {
            for (index, (id, _)) in others.enumerated() {
                let base = index * 4
                let router = Self.entities(answers[base]).first ?? ["id": .string(id)]
                sites[id] = Self.site(id, router: router, listeners: Self.entities(answers[base + 1]) + Self.entities(answers[base + 3]),
                                      connectors: Self.entities(answers[base + 2]))
            }
        }
        observation.network = sites.values.sorted { $0.routerId < $1.routerId }
        return observation
    }

    /// Why a tcpListener that is not up cannot listen, in the router's words ("Address already in use - listen on
    /// 127.0.0.1:8080"); nil when it is up or merely waits for a matching connector (down, no message).
    static func listenFailure(_ entity: [String: AMQPValue]) -> String? {
        guard entity["operStatus"]?.text != "up", let message = entity["connectionMsg"]?.text, !message.isEmpty else { return nil }
        return message
    }

    static func entities(_ answer: Result<ManagementResponse, ManagementError>) -> [[String: AMQPValue]] {
        guard case .success(let response) = answer, response.succeeded else { return [] }
        return response.entities
    }

    static func site(_ id: String, router: [String: AMQPValue], listeners: [[String: AMQPValue]], connectors: [[String: AMQPValue]]) -> NetworkSite {
        let metadata = router["metadata"]?.text.flatMap { JSONValue.parse($0) }
        return NetworkSite(routerId: id, siteId: metadata?["id"]?.text ?? "", name: NetworkSite.siteName(fromRouterId: id),
                           mode: router["mode"]?.text ?? "", platform: metadata?["platform"]?.text ?? "",
                           version: metadata?["version"]?.text ?? "",
                           // A listener that cannot listen is no way into the service: it does not count as a match.
                           listenerAddresses: Set(listeners.filter { listenFailure($0) == nil }.compactMap { $0["address"]?.text }),
                           connectorAddresses: Set(connectors.compactMap { $0["address"]?.text }))
    }
}
