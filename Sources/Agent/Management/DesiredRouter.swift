import Resources
import RouterEntities
import RouterManagement

/// What the running router must have of what management can change (`EntitySync.managedTypes`), kept one change at a
/// time: the site's own entities (a few, compared whole at each change of the site) and each service's (set by its
/// resource), with the entities changed since a sync last took them. A change costs the same at 1,000 services as
/// at 50,000: only its own entities are compared, sent and recorded.
struct DesiredRouter {
    /// An entity's identity on the router: its type and name.
    struct Key: Hashable, Sendable, Comparable {
        var type: String
        var name: String

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.type, lhs.name) < (rhs.type, rhs.name) }
    }

    private(set) var entities: [Key: RouterConfig.Entity] = [:]
    /// Whether the site's own entities were given (nothing is brought to the router before).
    private(set) var hasSite = false
    private var siteKeys: Set<Key> = []
    private var serviceKeys: [ResourceID: [Key]] = [:]
    /// The entities changed since `takeChanges` (nil: removed).
    private(set) var changed: Set<Key> = []
    /// For each routing key: the tcpListeners that listen for it (a multi-address one through its listenerAddress),
    /// and how many tcpConnectors it has here.
    private(set) var listenersByAddress: [String: Set<String>] = [:]
    private(set) var connectorsByAddress: [String: Int] = [:]

    /// Sets the site's own live entities (those of `config` management can change).
    mutating func setSite(_ config: RouterConfig) {
        hasSite = true
        var keys: Set<Key> = []
        for entity in config.entities where EntitySync.managedTypes.contains(entity.type) {
            guard let name = EntitySync.name(of: entity) else { continue }
            let key = Key(type: entity.type, name: name)
            keys.insert(key)
            set(key, entity)
        }
        for key in siteKeys where !keys.contains(key) { set(key, nil) }
        siteKeys = keys
    }

    /// Sets one service's entities (none: it is not in force).
    mutating func setService(_ id: ResourceID, _ list: [RouterConfig.Entity]) {
        var keys: [Key] = []
        for entity in list {
            guard let name = entity.text("name") else { continue }
            let key = Key(type: entity.type, name: name)
            keys.append(key)
            set(key, entity)
        }
        for key in serviceKeys[id] ?? [] where !keys.contains(key) { set(key, nil) }
        serviceKeys[id] = keys.isEmpty ? nil : keys
    }

    /// Sets every service anew: those not in `ids` are removed.
    mutating func replaceServices(_ ids: Set<ResourceID>, entities: (ResourceID) -> [RouterConfig.Entity]) {
        for id in serviceKeys.keys where !ids.contains(id) { setService(id, []) }
        for id in ids { setService(id, entities(id)) }
    }

    private mutating func set(_ key: Key, _ entity: RouterConfig.Entity?) {
        let old = entities[key]
        guard old != entity else { return }
        index(old, key, by: -1)
        index(entity, key, by: 1)
        entities[key] = entity
        changed.insert(key)
    }

    /// Keeps the routing keys' listeners and connectors counted.
    private mutating func index(_ entity: RouterConfig.Entity?, _ key: Key, by step: Int) {
        guard let entity, let address = entity.text("address") else { return }
        switch key.type {
        case "tcpListener", "listenerAddress":
            guard let listener = key.type == "tcpListener" ? key.name : entity.text("listener") else { return }
            if step > 0 {
                listenersByAddress[address, default: []].insert(listener)
            } else {
                listenersByAddress[address]?.remove(listener)
                if listenersByAddress[address]?.isEmpty == true { listenersByAddress[address] = nil }
            }
        case "tcpConnector":
            let count = (connectorsByAddress[address] ?? 0) + step
            connectorsByAddress[address] = count > 0 ? count : nil
        default:
            break
        }
    }

    /// Whether the site has links (the router's `connector` entities).
    var hasLinks: Bool { siteKeys.contains { $0.type == "connector" } }

    /// The entities changed since the last time, each with what it must now be (nil: removed); forgets them.
    mutating func takeChanges() -> [Key: RouterConfig.Entity?] {
        var taken: [Key: RouterConfig.Entity?] = [:]
        taken.reserveCapacity(changed.count)
        for key in changed { taken[key] = .some(entities[key]) }
        changed = []
        return taken
    }

    /// Every entity, in an order fit for the file (for a sync that reads the router first).
    var config: RouterConfig { RouterConfig(entities: entities.keys.sorted().map { entities[$0]! }) }
}
