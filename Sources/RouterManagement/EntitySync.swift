import RouterEntities

/// Brings a running router's entities in line with a configuration through management, without a restart: the
/// entity types skupper-router creates and deletes at runtime (sslProfiles, AMQP listeners and connectors, TCP
/// listeners and connectors, and the listenerAddresses of multi-address TCP listeners). An entity whose attributes
/// differ is deleted and created again; one the configuration no longer has is deleted. The router refuses to delete
/// a tcpListener while listenerAddresses name it: those go first and come back after it. What cannot change at runtime (the router entity, the site, logging, addresses) needs
/// a restart: `needsRestart` says when.
public struct EntitySync: Sendable {
    /// The entity types changed at runtime, in the order they are created (deleted in reverse).
    public static let liveTypes = ["sslProfile", "listener", "connector", "tcpConnector", "tcpListener", "listenerAddress"]

    /// Entities never deleted at runtime: the listener the management connection comes through.
    public var protectedNames: Set<String>

    public init(protectedNames: Set<String> = []) {
        self.protectedNames = protectedNames
    }

    /// Whether going from `old` to `new` changes anything only a restart applies.
    public static func needsRestart(from old: RouterConfig?, to new: RouterConfig) -> Bool {
        guard let old else { return true }
        let fixed: (RouterConfig) -> Set<String> = { RouterConfig(entities: $0.entities.filter { !liveTypes.contains($0.type) }).canonical }
        return fixed(old) != fixed(new)
    }

    /// What one sync did.
    public struct Outcome: Sendable, Hashable {
        public var created: [String] = []
        public var deleted: [String] = []
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
            for type in Self.liveTypes {
                var byName: [String: [String: AMQPValue]] = [:]
                for entity in known.entities(ofType: type) {
                    guard let name = entity.text("name") else { continue }
                    var values: [String: AMQPValue] = [:]
                    for (key, _) in entity.attributes { if let text = entity.text(key) { values[key] = .string(text) } }
                    byName[name] = values
                }
                running[type] = byName
            }
        } else {
            let answers: [Result<ManagementResponse, ManagementError>]
            do {
                answers = try await client.perform(Self.liveTypes.map { .query("io.skupper.router.\($0)") }, timeout: timeout)
            } catch {
                outcome.failures.append("\(error)")
                return outcome
            }
            for (type, answer) in zip(Self.liveTypes, answers) {
                switch answer {
                case .success(let response) where response.succeeded:
                    var byName: [String: [String: AMQPValue]] = [:]
                    for entity in response.entities { if let name = entity["name"]?.text { byName[name] = entity } }
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
        var creates: [ManagementRequest] = []
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
        for batch in [addressDeletes, otherDeletes, creates] where !batch.isEmpty {
            let results: [Result<ManagementResponse, ManagementError>]
            do { results = try await client.perform(batch, timeout: timeout) } catch {
                outcome.failures.append("\(error)")
                return outcome
            }
            for (request, result) in zip(batch, results) {
                let label = "\(request.entityType.replacing("io.skupper.router.", with: "")) \(request.name ?? "")"
                switch result {
                case .success(let response) where response.succeeded:
                    if request.operation == "CREATE" { outcome.created.append(label) } else { outcome.deleted.append(label) }
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
