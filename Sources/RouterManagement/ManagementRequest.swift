/// One request to skupper-router's management node (AMQP management: QUERY, CREATE, DELETE, UPDATE, READ), always
/// the node of the router the connection is made to: the network is learnt from the flow records, and no other
/// router is asked anything.
public struct ManagementRequest: Sendable, Hashable {
    /// The address requests are sent to.
    static let address = "$management"

    public var operation: String
    /// The entity type (`io.skupper.router.connector`, ...).
    public var entityType: String
    /// The entity's name, for CREATE, DELETE, UPDATE and READ.
    public var name: String?
    /// The request's body: the attributes to create or update, or `{attributeNames: [...]}` for a query.
    public var body: AMQPValue

    public init(operation: String, entityType: String, name: String? = nil, body: AMQPValue = .map([:])) {
        self.operation = operation
        self.entityType = entityType
        self.name = name
        self.body = body
    }

    /// Every entity of a type, with the named attributes (all when empty).
    public static func query(_ entityType: String, attributes: [String] = []) -> ManagementRequest {
        ManagementRequest(operation: "QUERY", entityType: entityType, body: .map([.string("attributeNames"): .list(attributes.map { .string($0) })]))
    }

    /// Creates an entity with the given attributes.
    public static func create(_ entityType: String, name: String, attributes: [String: AMQPValue]) -> ManagementRequest {
        var map: [AMQPValue: AMQPValue] = [:]
        for (key, value) in attributes { map[.string(key)] = value }
        map[.string("name")] = .string(name)
        return ManagementRequest(operation: "CREATE", entityType: entityType, name: name, body: .map(map))
    }

    /// Changes the named entity's attributes (the ones given; the others keep their values).
    public static func update(_ entityType: String, name: String, attributes: [String: AMQPValue]) -> ManagementRequest {
        var map: [AMQPValue: AMQPValue] = [:]
        for (key, value) in attributes { map[.string(key)] = value }
        return ManagementRequest(operation: "UPDATE", entityType: entityType, name: name, body: .map(map))
    }

    /// One entity by name, with all its attributes (answered 404 when there is none).
    public static func read(_ entityType: String, name: String) -> ManagementRequest {
        ManagementRequest(operation: "READ", entityType: entityType, name: name)
    }

    /// Deletes an entity by name.
    public static func delete(_ entityType: String, name: String) -> ManagementRequest {
        ManagementRequest(operation: "DELETE", entityType: entityType, name: name)
    }

    /// The application properties the router reads the request from.
    var properties: AMQPValue {
        var map: [AMQPValue: AMQPValue] = [.string("operation"): .string(operation)]
        if operation == "QUERY" {
            map[.string("type")] = .string("org.amqp.management")
            map[.string("entityType")] = .string(entityType)
            map[.string("name")] = .string("self")
        } else {
            map[.string("type")] = .string(entityType)
            if let name { map[.string("name")] = .string(name) }
        }
        return .map(map)
    }
}

/// The router's answer to one request.
public struct ManagementResponse: Sendable, Hashable {
    /// HTTP-like: 200 OK, 201 created, 204 deleted, 400 bad request, 404 not found, ...
    public var statusCode: Int
    public var statusDescription: String
    public var body: AMQPValue

    public init(statusCode: Int, statusDescription: String, body: AMQPValue) {
        self.statusCode = statusCode
        self.statusDescription = statusDescription
        self.body = body
    }

    public var succeeded: Bool { (200..<300).contains(statusCode) }

    /// A READ's entity (attribute name to value); empty for any other answer.
    public var attributes: [String: AMQPValue] {
        guard case .map(let map) = body else { return [:] }
        var entity: [String: AMQPValue] = [:]
        for (key, value) in map { if let name = key.text { entity[name] = value } }
        return entity
    }

    /// A query's results as one map per entity (attribute name to value).
    public var entities: [[String: AMQPValue]] {
        guard let names = body["attributeNames"]?.items?.compactMap(\.text), let rows = body["results"]?.items else { return [] }
        return rows.compactMap { row in
            guard let values = row.items else { return nil }
            var entity: [String: AMQPValue] = [:]
            for (name, value) in zip(names, values) { entity[name] = value }
            return entity
        }
    }
}

/// Why a request got no answer.
public struct ManagementError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
