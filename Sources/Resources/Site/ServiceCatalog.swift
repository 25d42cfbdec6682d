/// The site's listeners, multi-key listeners and connectors, indexed so that one change costs the same however many
/// are loaded: which listener holds each host:port (Listeners before MultiKeyListeners, then by name, as Skupper v2
/// checks them; the others are rejected), which routing keys have a listener or a connector, and which resources a
/// change affects.
public struct ServiceCatalog: Sendable {
    /// What applying changes did.
    public struct Update: Sendable, Hashable {
        /// Services whose status may differ (the changed ones and those that depend on them).
        public var affected: Set<ResourceID> = []
        /// Services whose router entities may differ (changed, or a listener that gained or lost its host:port).
        public var rerender: Set<ResourceID> = []
    }

    /// Every listener by name, active or not.
    public private(set) var listeners: [String: Resource] = [:]
    /// Every multi-key listener by name, active or not.
    public private(set) var multiKeyListeners: [String: Resource] = [:]
    /// Every connector by name.
    public private(set) var connectors: [String: Resource] = [:]
    /// The listeners in force (each holding its host:port), in name order.
    public private(set) var activeListenerNames = SortedNames()
    /// The multi-key listeners in force, in name order.
    public private(set) var activeMultiKeyListenerNames = SortedNames()
    /// The connectors, in name order.
    public private(set) var connectorNames = SortedNames()
    /// Services that name `tlsCredentials`.
    public private(set) var tlsUsers: [ResourceID: Resource] = [:]

    /// Listener and multi-key listener ids by "host:port", in order: the first holds the endpoint.
    private var endpoints: [String: [ResourceID]] = [:]
    /// Active listeners and multi-key listeners by routing key.
    private var listenersByKey: [String: KeyMembers<ResourceID>] = [:]
    /// Connector names by routing key.
    private var connectorsByKey: [String: KeyMembers<String>] = [:]

    public init() {}

    /// The number of services.
    public var count: Int { listeners.count + multiKeyListeners.count + connectors.count }

    /// Whether a listener or multi-key listener in force carries this routing key.
    public func hasListener(routingKey: String) -> Bool { !(listenersByKey[routingKey]?.isEmpty ?? true) }

    /// Whether a connector carries this routing key.
    public func hasConnector(routingKey: String) -> Bool { !(connectorsByKey[routingKey]?.isEmpty ?? true) }

    /// The names of the connectors of `routingKey`.
    public func connectors(routingKey: String) -> [String] { connectorsByKey[routingKey].map(Array.init) ?? [] }

    /// The listeners and multi-key listeners in force that carry a routing key.
    public func listeners(routingKey: String) -> [ResourceID] { listenersByKey[routingKey].map(Array.init) ?? [] }

    /// Whether the listener holds its host:port (and so is rendered).
    public func isActive(listener name: String) -> Bool { activeListenerNames.contains(name) }

    /// Whether the listener or multi-key listener holds its host:port.
    public func isActive(_ id: ResourceID) -> Bool {
        switch id.kind {
        case .listener: activeListenerNames.contains(id.name)
        case .multiKeyListener: activeMultiKeyListenerNames.contains(id.name)
        default: false
        }
    }

    /// Why a listener is not in force, if it is not.
    public func conflict(listener name: String) -> String? { conflict(ResourceID(.listener, name)) }

    /// Why a listener or multi-key listener is not in force, if it is not.
    public func conflict(_ id: ResourceID) -> String? {
        guard let resource = front(id), let endpoint = Self.endpoint(resource), let holder = endpoints[endpoint]?.first, holder != id else { return nil }
        return "host and port \(endpoint) are already used by \(holder.kind.rawValue) \"\(holder.name)\""
    }

    /// A listener or multi-key listener by id.
    public func front(_ id: ResourceID) -> Resource? {
        switch id.kind {
        case .listener: listeners[id.name]
        case .multiKeyListener: multiKeyListeners[id.name]
        default: nil
        }
    }

    /// Applies new versions (or removals, `nil`) of services; other kinds are ignored.
    public mutating func apply(_ changes: [ResourceID: Resource?]) -> Update {
        var update = Update()
        var listenerKeysBefore: [String: Bool] = [:]
        var connectorKeysBefore: [String: Bool] = [:]
        var touchedEndpoints = Set<String>()
        // Who is in force changes here, and reaches the sorted name lists once at the end (one merge for a cold
        // start's tens of thousands, not an array shift per name).
        var activity = ActivityChanges()
        if changes.count >= Self.largeBatch {
            update.affected.reserveCapacity(changes.count)
            update.rerender.reserveCapacity(changes.count)
        }

        for (id, resource) in changes {
            switch id.kind {
            case .listener, .multiKeyListener:
                if let old = front(id), let endpoint = Self.endpoint(old) {
                    if activity.isActive(id, in: self) { deactivate(id, old, &listenerKeysBefore, &activity) }
                    endpoints[endpoint]?.removeAll { $0 == id }
                    if endpoints[endpoint]?.isEmpty == true { endpoints[endpoint] = nil }
                    touchedEndpoints.insert(endpoint)
                }
                if id.kind == .listener { listeners[id.name] = resource } else { multiKeyListeners[id.name] = resource }
                if let resource, let endpoint = Self.endpoint(resource) {
                    var members = endpoints[endpoint] ?? []
                    members.insert(id, at: members.firstIndex { id < $0 } ?? members.endIndex)
                    endpoints[endpoint] = members
                    touchedEndpoints.insert(endpoint)
                }
            case .connector:
                if let old = connectors[id.name]?.connector {
                    record(old.routingKey, &connectorKeysBefore, connectorsByKey)
                    connectorsByKey[old.routingKey]?.remove(id.name)
                    if connectorsByKey[old.routingKey]?.isEmpty == true { connectorsByKey[old.routingKey] = nil }
                    activity.set(id, false)
                }
                connectors[id.name] = resource
                if let spec = resource?.connector {
                    record(spec.routingKey, &connectorKeysBefore, connectorsByKey)
                    connectorsByKey[spec.routingKey, default: KeyMembers()].insert(id.name)
                    activity.set(id, true)
                }
            default:
                continue
            }
            if let resource, let tls = Self.tlsCredentials(resource), !tls.isEmpty { tlsUsers[id] = resource } else { tlsUsers[id] = nil }
            update.affected.insert(id)
            update.rerender.insert(id)
        }

        // Each touched host:port goes to its first listener; the others wait.
        for endpoint in touchedEndpoints {
            for (index, id) in (endpoints[endpoint] ?? []).enumerated() {
                guard let resource = front(id) else { continue }
                let active = activity.isActive(id, in: self)
                if index == 0 && !active {
                    for key in Self.routingKeys(resource) {
                        record(key, &listenerKeysBefore, listenersByKey)
                        listenersByKey[key, default: KeyMembers()].insert(id)
                    }
                    activity.set(id, true)
                    update.rerender.insert(id)
                } else if index > 0 && active {
                    deactivate(id, resource, &listenerKeysBefore, &activity)
                    update.rerender.insert(id)
                }
                update.affected.insert(id)
            }
        }
        activity.apply(to: &activeListenerNames, &activeMultiKeyListenerNames, &connectorNames)

        // A routing key that gained its first, or lost its last, listener or connector changes the other side's status.
        for (key, before) in listenerKeysBefore where before != hasListener(routingKey: key) {
            for name in connectorsByKey[key] ?? KeyMembers() { update.affected.insert(ResourceID(.connector, name)) }
        }
        for (key, before) in connectorKeysBefore where before != hasConnector(routingKey: key) {
            update.affected.formUnion(listenersByKey[key] ?? KeyMembers())
        }
        return update
    }

    /// Changes of this many services or more reserve their sets' room at once.
    static let largeBatch = 256

    private mutating func deactivate(_ id: ResourceID, _ resource: Resource, _ before: inout [String: Bool], _ activity: inout ActivityChanges) {
        for key in Self.routingKeys(resource) {
            record(key, &before, listenersByKey)
            listenersByKey[key]?.remove(id)
            if listenersByKey[key]?.isEmpty == true { listenersByKey[key] = nil }
        }
        activity.set(id, false)
    }

    /// Services that come into force or leave it during one `apply`, seen by its own reads, and put in the sorted
    /// name lists together at its end.
    private struct ActivityChanges {
        private var changed: [ResourceID: Bool] = [:]

        /// Whether `id` is in force as of this apply's changes so far.
        func isActive(_ id: ResourceID, in catalog: ServiceCatalog) -> Bool { changed[id] ?? catalog.isActive(id) }

        mutating func set(_ id: ResourceID, _ active: Bool) { changed[id] = active }

        /// Puts the changes in the listeners', multi-key listeners' and connectors' sorted name lists.
        func apply(to listeners: inout SortedNames, _ multiKeyListeners: inout SortedNames, _ connectors: inout SortedNames) {
            var additions: [ResourceKind: [String]] = [:]
            var removals: [ResourceKind: Set<String>] = [:]
            for (id, active) in changed {
                if active { additions[id.kind, default: []].append(id.name) } else { removals[id.kind, default: []].insert(id.name) }
            }
            listeners.update(adding: additions[.listener] ?? [], removing: removals[.listener] ?? [])
            multiKeyListeners.update(adding: additions[.multiKeyListener] ?? [], removing: removals[.multiKeyListener] ?? [])
            connectors.update(adding: additions[.connector] ?? [], removing: removals[.connector] ?? [])
        }
    }

    /// Remembers whether a routing key had members before this update first touched it.
    private func record<Member>(_ key: String, _ before: inout [String: Bool], _ index: [String: KeyMembers<Member>]) {
        if before[key] == nil { before[key] = !(index[key]?.isEmpty ?? true) }
    }

    /// The "host:port" a listener or multi-key listener binds.
    static func endpoint(_ resource: Resource) -> String? {
        switch resource.spec {
        case .listener(let spec): "\(spec.host):\(spec.port)"
        case .multiKeyListener(let spec): "\(spec.host):\(spec.port)"
        default: nil
        }
    }

    /// The routing keys a listener or multi-key listener sends to.
    static func routingKeys(_ resource: Resource) -> [String] {
        switch resource.spec {
        case .listener(let spec): [spec.routingKey]
        case .multiKeyListener(let spec): spec.strategy.routingKeys
        default: []
        }
    }

    /// The `tlsCredentials` a service names, if any.
    public static func tlsCredentials(_ resource: Resource) -> String? {
        switch resource.spec {
        case .listener(let spec): spec.tlsCredentials
        case .multiKeyListener(let spec): spec.tlsCredentials
        case .connector(let spec): spec.tlsCredentials
        default: nil
        }
    }
}
