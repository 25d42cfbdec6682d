import RouterEntities

/// Brings a running router's entities in line with a configuration through management, without a restart: the
/// entity types skupper-router creates and deletes at runtime (sslProfiles, AMQP listeners and connectors, TCP
/// listeners and connectors, and the listenerAddresses of multi-address TCP listeners), and the log modules it only
/// updates. An sslProfile whose files or revision changed is updated in place (the router reads its files again;
/// a higher `ordinal` is its certificate rotation); any other entity whose attributes differ is deleted and created
/// again; one the configuration no longer has is deleted (a log module goes back to its default). The router
/// refuses to delete a tcpListener while listenerAddresses name it: those go first and come back after it. What
/// cannot change at runtime (the router entity, the site, addresses, proxy profiles) needs a restart:
/// `restartReasons` says when and why.
public struct EntitySync: Sendable {
    /// The entity types created and deleted at runtime, in the order they are created (deleted in reverse).
    public static let liveTypes = ["sslProfile", "listener", "connector", "tcpConnector", "tcpListener", "listenerAddress"]
    /// The entity types the router has one of each, always, and only updates: its log modules.
    public static let updatedTypes = ["log"]
    /// Every entity type management brings to the running router.
    public static let managedTypes = liveTypes + updatedTypes

    /// Attributes an UPDATE may change, by entity type (skupper-router 3.5.1's schema, `update: true`).
    static let updatableAttributes: [String: Set<String>] = [
        "sslProfile": ["caCertFile", "certFile", "privateKeyFile", "password", "ciphers", "protocols", "ordinal", "oldestValidOrdinal"],
        "log": ["enable", "includeTimestamp", "includeSource", "outputFile"],
    ]

    /// Entities never deleted at runtime: the listener the management connection comes through.
    public var protectedNames: Set<String>

    public init(protectedNames: Set<String> = []) {
        self.protectedNames = protectedNames
    }

    /// An entity's name on the router: its `name`, or for a log module the name the router gives it (`log/MODULE`).
    public static func name(of entity: RouterConfig.Entity) -> String? {
        if entity.type == "log" { return entity.text("module").map { "log/\($0)" } }
        return entity.text("name")
    }

    /// Whether going from `old` to `new` changes anything only a restart applies.
    public static func needsRestart(from old: RouterConfig?, to new: RouterConfig) -> Bool {
        !restartReasons(from: old, to: new).isEmpty
    }

    /// Why going from `old` to `new` needs a restart, in words for the log and the Site status (none: it does not).
    public static func restartReasons(from old: RouterConfig?, to new: RouterConfig) -> [String] {
        guard let old else { return ["the router has no configuration loaded"] }
        let fixed: (RouterConfig) -> [RouterConfig.Entity] = { $0.entities.filter { !managedTypes.contains($0.type) } }
        let before = fixed(old), after = fixed(new)
        guard RouterConfig(entities: before).canonical != RouterConfig(entities: after).canonical else { return [] }
        var reasons: [String] = []
        let oldRouter = before.first { $0.type == "router" }, newRouter = after.first { $0.type == "router" }
        for (key, words) in [("id", "the router's id"), ("mode", "the router's mode"), ("metadata", "the router's metadata (site id, version)")]
        where oldRouter?.text(key) != newRouter?.text(key) {
            reasons.append("\(words) changed")
        }
        if oldRouter != nil, newRouter != nil, reasons.isEmpty, oldRouter != newRouter { reasons.append("the router entity changed") }
        let types = Set(before.map(\.type) + after.map(\.type)).subtracting(["router"]).sorted()
        for type in types {
            let a = RouterConfig(entities: before.filter { $0.type == type }).canonical
            let b = RouterConfig(entities: after.filter { $0.type == type }).canonical
            if a != b { reasons.append("its \(type) entities changed") }
        }
        return reasons
    }

    /// What one sync did.
    public struct Outcome: Sendable, Hashable {
        public var created: [String] = []
        public var deleted: [String] = []
        public var updated: [String] = []
        /// Requests the router refused or did not answer, in its words.
        public var failures: [String] = []
        public var isClean: Bool { failures.isEmpty }
    }

    /// Brings the router to `config`. With `known` (what the router is known to have: the last configuration
    /// synced on this connection) only the difference is sent; without it the router's entities are read first.
    public func sync(_ config: RouterConfig, known: RouterConfig? = nil, client: ManagementClient, timeout: Duration = .seconds(5)) async -> Outcome {
        var outcome = Outcome()
        var running: [String: [String: [String: AMQPValue]]] = [:]
        if let known {
            for type in Self.managedTypes {
                var byName: [String: [String: AMQPValue]] = [:]
                for entity in known.entities(ofType: type) {
                    guard let name = Self.name(of: entity) else { continue }
                    var values: [String: AMQPValue] = [:]
                    for (key, _) in entity.attributes { if let text = entity.text(key) { values[key] = .string(text) } }
                    byName[name] = values
                }
                running[type] = byName
            }
        } else {
            let answers: [Result<ManagementResponse, ManagementError>]
            do {
                answers = try await client.perform(Self.managedTypes.map { .query("io.skupper.router.\($0)") }, timeout: timeout)
            } catch {
                outcome.failures.append("\(error)")
                return outcome
            }
            for (type, answer) in zip(Self.managedTypes, answers) {
                switch answer {
                case .success(let response) where response.succeeded:
                    var byName: [String: [String: AMQPValue]] = [:]
                    for entity in response.entities {
                        let name = type == "log" ? entity["module"]?.text.map { "log/\($0)" } : entity["name"]?.text
                        if let name { byName[name] = entity }
                    }
                    running[type] = byName
                case .success where type == "listenerAddress" && config.entities(ofType: type).isEmpty:
                    // A router older than multi-address listeners has none, and none are wanted.
                    running[type] = [:]
                case .success(let response):
                    outcome.failures.append("query \(type): \(response.statusCode) \(response.statusDescription)")
                    return outcome
                case .failure(let error):
                    outcome.failures.append("query \(type): \(error)")
                    return outcome
                }
            }
        }
        var deletes: [ManagementRequest] = []
        var updates: [ManagementRequest] = []
        var creates: [ManagementRequest] = []
        for type in Self.updatedTypes {
            let byName = running[type] ?? [:]
            var wantedNames: Set<String> = []
            for entity in config.entities(ofType: type) {
                guard let name = Self.name(of: entity) else { continue }
                wantedNames.insert(name)
                if let current = byName[name], Self.matches(entity, current) { continue }
                updates.append(.update("io.skupper.router.\(type)", name: name, attributes: Self.attributes(entity)))
            }
            for (name, current) in byName.sorted(by: { $0.key < $1.key }) where !wantedNames.contains(name) {
                guard let reset = Self.reset(type: type, current) else { continue }
                updates.append(.update("io.skupper.router.\(type)", name: name, attributes: reset))
            }
        }
        for type in Self.liveTypes {
            let byName = running[type] ?? [:]
            let wanted = config.entities(ofType: type)
            let wantedNames = Set(wanted.compactMap { $0.text("name") })
            for name in byName.keys.sorted() where !wantedNames.contains(name) && !protectedNames.contains(name) {
                deletes.append(.delete("io.skupper.router.\(type)", name: name))
            }
            for entity in wanted {
                guard let name = entity.text("name") else { continue }
                if let current = byName[name] {
                    if Self.matches(entity, current) || protectedNames.contains(name) { continue }
                    if let update = Self.update(entity, from: current) {
                        updates.append(update)
                        continue
                    }
                    deletes.append(.delete("io.skupper.router.\(type)", name: name))
                }
                creates.append(.create("io.skupper.router.\(type)", name: name, attributes: Self.attributes(entity)))
            }
        }
        Self.reattachAddresses(of: deletes, running: running, config: config, deletes: &deletes, creates: &creates)
        // Users go before what they use: listener addresses before TCP listeners before connectors before profiles.
        deletes.sort { Self.order($0.entityType) > Self.order($1.entityType) }
        // listenerAddress deletions are answered before the router has let go of them: a tcpListener they name is
        // deleted in a batch of its own, after theirs.
        let addressDeletes = deletes.filter { $0.entityType == "io.skupper.router.listenerAddress" }
        let otherDeletes = deletes.filter { $0.entityType != "io.skupper.router.listenerAddress" }
        for batch in [addressDeletes, otherDeletes, updates, creates] where !batch.isEmpty {
            let results: [Result<ManagementResponse, ManagementError>]
            do { results = try await client.perform(batch, timeout: timeout) } catch {
                outcome.failures.append("\(error)")
                return outcome
            }
            for (request, result) in zip(batch, results) {
                let label = "\(request.entityType.replacing("io.skupper.router.", with: "")) \(request.name ?? "")"
                switch result {
                case .success(let response) where response.succeeded:
                    switch request.operation {
                    case "CREATE": outcome.created.append(label)
                    case "UPDATE": outcome.updated.append(label)
                    default: outcome.deleted.append(label)
                    }
                case .success(let response):
                    outcome.failures.append("\(request.operation.lowercased()) \(label): \(response.statusCode) \(response.statusDescription)")
                case .failure(let error):
                    outcome.failures.append("\(request.operation.lowercased()) \(label): \(error)")
                }
            }
        }
        return outcome
    }

    /// The listenerAddresses of a tcpListener being deleted must be deleted first, and created again after it when
    /// the configuration still has them.
    static func reattachAddresses(
        of planned: [ManagementRequest], running: [String: [String: [String: AMQPValue]]], config: RouterConfig,
        deletes: inout [ManagementRequest], creates: inout [ManagementRequest]
    ) {
        let type = "io.skupper.router.listenerAddress"
        let dropped = Set(planned.filter { $0.entityType == "io.skupper.router.tcpListener" }.compactMap(\.name))
        guard !dropped.isEmpty else { return }
        let deleting = Set(planned.filter { $0.entityType == type }.compactMap(\.name))
        let creating = Set(creates.filter { $0.entityType == type }.compactMap(\.name))
        for (name, entity) in (running["listenerAddress"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let listener = entity["listener"]?.text, dropped.contains(listener), !deleting.contains(name) else { continue }
            deletes.append(.delete(type, name: name))
            if !creating.contains(name), let wanted = config.entity("listenerAddress", named: name) {
                creates.append(.create(type, name: name, attributes: attributes(wanted)))
            }
        }
    }

    static func order(_ entityType: String) -> Int {
        liveTypes.firstIndex(of: entityType.replacing("io.skupper.router.", with: "")) ?? 0
    }

    /// Whether the router's entity has every attribute the configuration gives, with the same value.
    static func matches(_ wanted: RouterConfig.Entity, _ running: [String: AMQPValue]) -> Bool {
        wanted.attributes.allSatisfy { key, value in
            guard let text = wanted.text(key) else { return true }
            return running[key]?.text == text
        }
    }

    /// The UPDATE that brings a running entity to the wanted one, when an update can (only attributes the router
    /// updates differ, and none the router has is to go); nil when it must be deleted and created again.
    static func update(_ wanted: RouterConfig.Entity, from running: [String: AMQPValue]) -> ManagementRequest? {
        guard let updatable = updatableAttributes[wanted.type], let name = name(of: wanted) else { return nil }
        let keys = Set(wanted.attributes.map(\.0))
        for key in updatable where !keys.contains(key) && key != "ordinal" && key != "oldestValidOrdinal" {
            if let value = running[key]?.text, !value.isEmpty { return nil }
        }
        var changed: [String: AMQPValue] = [:]
        let all = attributes(wanted)
        for (key, value) in all where running[key]?.text != wanted.text(key) {
            guard updatable.contains(key) else { return nil }
            changed[key] = value
        }
        // Every file is read again at any update: the files named stay as they are.
        return .update("io.skupper.router.\(wanted.type)", name: name, attributes: changed)
    }

    /// What an entity of an update-only type goes back to when the configuration no longer names it (nil: it is
    /// there already): a log module inherits DEFAULT's levels again; DEFAULT logs `info+`, the router's own default.
    static func reset(type: String, _ running: [String: AMQPValue]) -> [String: AMQPValue]? {
        guard type == "log", let module = running["module"]?.text else { return nil }
        let standard = module == "DEFAULT" ? "info+" : "default"
        let enable = running["enable"]?.text
        guard let enable, enable != standard, !(module != "DEFAULT" && enable.isEmpty) else { return nil }
        return ["module": .string(module), "enable": .string(standard)]
    }

    static func attributes(_ entity: RouterConfig.Entity) -> [String: AMQPValue] {
        var map: [String: AMQPValue] = [:]
        for (key, value) in entity.attributes where key != "name" {
            switch value {
            case .string(let s): map[key] = .string(s)
            case .int(let i): map[key] = .int(Int64(i))
            case .bool(let b): map[key] = .bool(b)
            default: break
            }
        }
        return map
    }
}
