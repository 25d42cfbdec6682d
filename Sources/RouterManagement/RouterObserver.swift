import FoundationEssentials
import RouterEntities

/// Asks the agent's own router how it is and how its listeners are: whether they listen, and why not in the
/// router's words. The network (sites, links, services) comes from the routers' flow records, not from here: no
/// other router is ever asked.
public struct RouterObserver: Sendable {
    public let client: ManagementClient
    public var timeout: Duration

    public init(client: ManagementClient, timeout: Duration = .seconds(2)) {
        self.client = client
        self.timeout = timeout
    }

    static let tcpListener = "io.skupper.router.tcpListener"
    static let router = "io.skupper.router.router"
    /// The router's address table: `sfe.<source>` names every router it reaches, for the flow collector.
    public static let address = "io.skupper.router.router.address"

    /// Which tcpListeners a poll reads: every one (one query), or the named ones (a READ each: those whose state
    /// may have changed, so a poll's cost does not grow with the number of services).
    public enum ListenerScope: Sendable, Hashable {
        case all
        case named([String])
    }

    /// Asks the router whether it answers and how the `listeners` are; the observation's listeners are those read.
    /// skupper-router's management refreshes every entity it holds before it answers any request, so a request
    /// costs the router as much as its number of entities: a poll makes as few as it can.
    public func observe(listeners scope: ListenerScope = .all) async -> RouterObservation {
        var requests: [ManagementRequest] = [.query(Self.router, attributes: ["id"])]
        let listenerAttributes = ["name", "operStatus", "address", "connectionMsg"]
        switch scope {
        case .all: requests.append(.query(Self.tcpListener, attributes: listenerAttributes))
        case .named(let names): requests += names.map { .read(Self.tcpListener, name: $0) }
        }
        let local: [Result<ManagementResponse, ManagementError>]
        do {
            local = try await client.perform(requests, timeout: timeout)
        } catch {
            return RouterObservation(unreachable: "\(error)")
        }
        guard case .success(let routerAnswer) = local[0], routerAnswer.entities.first?["id"]?.text != nil else {
            if case .failure(let error) = local[0] { return RouterObservation(unreachable: error.description) }
            return RouterObservation(unreachable: "the router did not describe itself")
        }
        var observation = RouterObservation()
        var listeners: [[String: AMQPValue]] = []
        switch scope {
        case .all:
            listeners = Self.entities(local[1])
        case .named:
            // A listener not there (404: not created yet, or deleted meanwhile) is not up.
            for answer in local.dropFirst() {
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
}
