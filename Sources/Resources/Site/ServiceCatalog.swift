/// The site's listeners and connectors, indexed so that one change costs the same however many are loaded:
/// which listener holds each host:port (the first by name; the others are rejected), which routing keys have
/// a listener or a connector, and which resources a change affects.
public struct ServiceCatalog: Sendable {
    /// What applying changes did.
    public struct Update: Sendable, Hashable {
        /// Listeners and connectors whose status may differ (the changed ones and those that depend on them).
        public var affected: Set<ResourceID> = []
        /// Listeners and connectors whose router entity may differ (changed, or a listener that gained or lost
        /// its host:port).
        public var rerender: Set<ResourceID> = []
    }

    /// Every listener by name, active or not.
    public private(set) var listeners: [String: Resource] = [:]
    /// Every connector by name.
    public private(set) var connectors: [String: Resource] = [:]
    /// The listeners in force (each holding its host:port), in name order.
    public private(set) var activeListenerNames = SortedNames()
    /// The connectors, in name order.
    public private(set) var connectorNames = SortedNames()
    /// Listeners and connectors that name `tlsCredentials`.
    public private(set) var tlsUsers: [ResourceID: Resource] = [:]

    /// Listener names by "host:port", in name order: the first holds the endpoint.
    private var endpoints: [String: SortedNames] = [:]
    /// Active listener names by routing key.
    private var listenersByKey: [String: Set<String>] = [:]
    /// Connector names by routing key.
    private var connectorsByKey: [String: Set<String>] = [:]

    public init() {}

    /// The number of listeners and connectors.
    public var count: Int { listeners.count + connectors.count }

    /// Whether a listener in force carries this routing key.
    public func hasListener(routingKey: String) -> Bool { !(listenersByKey[routingKey]?.isEmpty ?? true) }

    /// Whether a connector carries this routing key.
    public func hasConnector(routingKey: String) -> Bool { !(connectorsByKey[routingKey]?.isEmpty ?? true) }

    /// Whether the listener holds its host:port (and so is rendered).
    public func isActive(listener name: String) -> Bool { activeListenerNames.contains(name) }

    /// Why a listener is not in force, if it is not.
    public func conflict(listener name: String) -> String? {
        guard let spec = listeners[name]?.listener, let holder = endpoints[Self.endpoint(spec)]?.first, holder != name else { return nil }
        return "host and port \(Self.endpoint(spec)) are already used by Listener \"\(holder)\""
    }

    /// Applies new versions (or removals, `nil`) of listeners and connectors; other kinds are ignored.
    public mutating func apply(_ changes: [ResourceID: Resource?]) -> Update {
        var update = Update()
        var listenerKeysBefore: [String: Bool] = [:]
        var connectorKeysBefore: [String: Bool] = [:]
        var touchedEndpoints = Set<String>()

        for (id, resource) in changes {
            switch id.kind {
            case .listener:
                if let old = listeners[id.name]?.listener {
                    if activeListenerNames.contains(id.name) { deactivate(id.name, old, &listenerKeysBefore) }
                    let endpoint = Self.endpoint(old)
                    endpoints[endpoint]?.remove(id.name)
                    if endpoints[endpoint]?.isEmpty == true { endpoints[endpoint] = nil }
                    touchedEndpoints.insert(endpoint)
                }
                listeners[id.name] = resource
                if let spec = resource?.listener {
                    let endpoint = Self.endpoint(spec)
                    endpoints[endpoint, default: SortedNames()].insert(id.name)
                    touchedEndpoints.insert(endpoint)
                }
            case .connector:
                if let old = connectors[id.name]?.connector {
                    record(old.routingKey, &connectorKeysBefore, connectorsByKey)
                    connectorsByKey[old.routingKey]?.remove(id.name)
                    if connectorsByKey[old.routingKey]?.isEmpty == true { connectorsByKey[old.routingKey] = nil }
                    connectorNames.remove(id.name)
                }
                connectors[id.name] = resource
                if let spec = resource?.connector {
                    record(spec.routingKey, &connectorKeysBefore, connectorsByKey)
                    connectorsByKey[spec.routingKey, default: []].insert(id.name)
                    connectorNames.insert(id.name)
                }
            default:
                continue
            }
            let tls = resource?.listener?.tlsCredentials ?? resource?.connector?.tlsCredentials
            if let tls, !tls.isEmpty, let resource { tlsUsers[id] = resource } else { tlsUsers[id] = nil }
            update.affected.insert(id)
            update.rerender.insert(id)
        }

        // Each touched host:port goes to its first listener by name; the others wait.
        for endpoint in touchedEndpoints {
            let members = endpoints[endpoint] ?? SortedNames()
            for (index, name) in members.enumerated() {
                guard let spec = listeners[name]?.listener else { continue }
                let active = activeListenerNames.contains(name)
                if index == 0 && !active {
                    record(spec.routingKey, &listenerKeysBefore, listenersByKey)
                    listenersByKey[spec.routingKey, default: []].insert(name)
                    activeListenerNames.insert(name)
                    update.rerender.insert(ResourceID(.listener, name))
                } else if index > 0 && active {
                    deactivate(name, spec, &listenerKeysBefore)
                    update.rerender.insert(ResourceID(.listener, name))
                }
                update.affected.insert(ResourceID(.listener, name))
            }
        }

        // A routing key that gained its first, or lost its last, listener or connector changes the other side's status.
        for (key, before) in listenerKeysBefore where before != hasListener(routingKey: key) {
            for name in connectorsByKey[key] ?? [] { update.affected.insert(ResourceID(.connector, name)) }
        }
        for (key, before) in connectorKeysBefore where before != hasConnector(routingKey: key) {
            for name in listenersByKey[key] ?? [] { update.affected.insert(ResourceID(.listener, name)) }
        }
        return update
    }

    private mutating func deactivate(_ name: String, _ spec: ListenerSpec, _ before: inout [String: Bool]) {
        record(spec.routingKey, &before, listenersByKey)
        listenersByKey[spec.routingKey]?.remove(name)
        if listenersByKey[spec.routingKey]?.isEmpty == true { listenersByKey[spec.routingKey] = nil }
        activeListenerNames.remove(name)
    }

    /// Remembers whether a routing key had members before this update first touched it.
    private func record(_ key: String, _ before: inout [String: Bool], _ index: [String: Set<String>]) {
        if before[key] == nil { before[key] = !(index[key]?.isEmpty ?? true) }
    }

    static func endpoint(_ spec: ListenerSpec) -> String { "\(spec.host):\(spec.port)" }
}
