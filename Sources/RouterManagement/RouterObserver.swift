import FoundationEssentials
import RouterEntities

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

    /// Which tcpListeners a poll reads: every one (one query), or the named ones (a READ each: those whose state
    /// may have changed, so a poll's cost does not grow with the number of services).
    public enum ListenerScope: Sendable, Hashable {
        case all
        case named([String])
    }

    /// This router's own services as the agent made them: the network view takes them from here instead of listing
    /// the router's every tcpListener and tcpConnector.
    public struct OwnServices: Sendable, Hashable {
        public var listenerAddresses: Set<String>
        public var connectorAddresses: Set<String>

        public init(listenerAddresses: Set<String>, connectorAddresses: Set<String>) {
            self.listenerAddresses = listenerAddresses
            self.connectorAddresses = connectorAddresses
        }
    }

    /// Asks the router how its links (unless `links` is false: it has none) and the `listeners` are, and (`network`)
    /// how the network is; the observation's listeners are those read. Without `own`, this router's services are
    /// listed too. skupper-router's management refreshes every entity it holds before it answers any request, so a
    /// request costs the router as much as its number of entities: a poll makes as few as it can.
    public func observe(network: Bool, links: Bool = true, listeners scope: ListenerScope = .all, own: OwnServices? = nil) async
        -> RouterObservation
    {
        var requests: [ManagementRequest] = [.query(Self.router, attributes: ["id", "mode", "metadata"])]
        if links { requests.append(.query(Self.connector, attributes: ["name", "connectionStatus", "connectionMsg"])) }
        let listenersStart = requests.count
        let listenerAttributes = ["name", "operStatus", "address", "connectionMsg"]
        switch scope {
        case .all: requests.append(.query(Self.tcpListener, attributes: listenerAttributes))
        case .named(let names): requests += names.map { .read(Self.tcpListener, name: $0) }
        }
        let listenersEnd = requests.count
        if network {
            requests.append(.query(Self.connection, attributes: ["role", "dir", "container", "opened"]))
            if own == nil {
                requests += [.query(Self.tcpConnector, attributes: ["address"]), .query(Self.listenerAddress, attributes: ["address"])]
            }
        }
        let local: [Result<ManagementResponse, ManagementError>]
        do {
            local = try await client.perform(requests, timeout: timeout)
        } catch {
            return RouterObservation(unreachable: "\(error)")
        }
        guard case .success(let routerAnswer) = local[0], let router = routerAnswer.entities.first, let ownId = router["id"]?.text else {
            if case .failure(let error) = local[0] { return RouterObservation(unreachable: error.description) }
            return RouterObservation(unreachable: "the router did not describe itself")
        }
        var observation = RouterObservation()
        for entity in links ? Self.entities(local[1]) : [] {
            guard let name = entity["name"]?.text else { continue }
            observation.links[name] = LinkConnection(status: entity["connectionStatus"]?.text ?? "", message: entity["connectionMsg"]?.text ?? "")
        }
        var listeners: [[String: AMQPValue]] = []
        switch scope {
        case .all:
            listeners = Self.entities(local[listenersStart])
        case .named:
            // A listener not there (404: not created yet, or deleted meanwhile) is not up.
            for answer in local[listenersStart..<listenersEnd] {
                if case .success(let response) = answer, response.succeeded { listeners.append(response.attributes) }
            }
        }
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
        let connections = Self.entities(local[listenersEnd])
        var ownSite: NetworkSite
        if let own {
            ownSite = Self.site(ownId, router: router, listeners: [], connectors: [])
            ownSite.listenerAddresses = own.listenerAddresses
            ownSite.connectorAddresses = own.connectorAddresses
        } else {
            ownSite = Self.site(
                ownId, router: router, listeners: listeners + Self.entities(local[listenersEnd + 2]),
                connectors: Self.entities(local[listenersEnd + 1]))
        }
        var sites: [String: NetworkSite] = [ownId: ownSite]
        // The interior routers, as an interior sees them.
        let interior: ManagementNode
        if mode == "edge" {
            guard
                let uplink = connections.first(where: { $0["role"]?.text == "edge" && $0["dir"]?.text == "out" && $0["opened"]?.text == "true" })?["container"]?
                    .text
            else {
                observation.network = Array(sites.values)
                return observation
            }
            interior = .interior(uplink)
        } else {
            interior = .local
        }
        var interiors = [ownId]
        if let nodes = try? await client.perform([.query(Self.routerNode, attributes: ["id"], at: interior)], timeout: remoteTimeout).first,
            case .success(let answer) = nodes
        {
            interiors = answer.entities.compactMap { $0["id"]?.text }
        }
        interiors = interiors.filter { $0 != ownId || mode != "edge" }
        // The edges attached to each interior.
        var edges: [String] = []
        // This router's own connections were read already.
        var attached: [[[String: AMQPValue]]] = interiors.contains(ownId) ? [connections] : []
        let edgeQueries = interiors.filter { $0 != ownId }.map { id in
            ManagementRequest.query(Self.connection, attributes: ["role", "dir", "container"], at: .interior(id))
        }
        if !edgeQueries.isEmpty, let answers = try? await client.perform(edgeQueries, timeout: remoteTimeout) {
            attached += answers.map(Self.entities)
        }
        for entities in attached {
            for entity in entities where entity["role"]?.text == "edge" && entity["dir"]?.text == "in" {
                if let id = entity["container"]?.text, id != ownId { edges.append(id) }
            }
        }
        // Every other router's site and services.
        let others: [(String, ManagementNode)] = interiors.filter { $0 != ownId }.map { ($0, .interior($0)) } + edges.map { ($0, .edge($0)) }
        var remote: [ManagementRequest] = []
        for (_, node) in others {
            remote += [
                .query(Self.router, attributes: ["id", "mode", "metadata"], at: node),
                .query(Self.tcpListener, attributes: ["address", "operStatus", "connectionMsg"], at: node),
                .query(Self.tcpConnector, attributes: ["address"], at: node),
                .query(Self.listenerAddress, attributes: ["address"], at: node),
            ]
        }
        if !remote.isEmpty, let answers = try? await client.perform(remote, timeout: remoteTimeout) {
            for (index, (id, _)) in others.enumerated() {
                let base = index * 4
                let router = Self.entities(answers[base]).first ?? ["id": .string(id)]
                sites[id] = Self.site(
                    id, router: router, listeners: Self.entities(answers[base + 1]) + Self.entities(answers[base + 3]),
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
        return NetworkSite(
            routerId: id, siteId: metadata?["id"]?.text ?? "", name: NetworkSite.siteName(fromRouterId: id),
            mode: router["mode"]?.text ?? "", platform: metadata?["platform"]?.text ?? "",
            version: metadata?["version"]?.text ?? "",
            // A listener that cannot listen is no way into the service: it does not count as a match.
            listenerAddresses: Set(listeners.filter { listenFailure($0) == nil }.compactMap { $0["address"]?.text }),
            connectorAddresses: Set(connectors.compactMap { $0["address"]?.text }))
    }
}
