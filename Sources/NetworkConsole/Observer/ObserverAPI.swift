import FlowRecords
import RouterEntities
import Synchronization

/// Answers the observer API's requests (`/api/v2alpha1/<collection>[/<id>[/<sub-collection>]]`) from a snapshot of
/// the records, as network-observer answers them: a collection as `count`, `results` and `timeRangeCount`, a record
/// as `results`, errors as `code` and `message`. A snapshot's rows are made once and kept until the records change.
final class ObserverAPI: Sendable {
    /// The rows made of one snapshot.
    private struct Made {
        var version: String
        var rows: ObserverRows
        var collections: [ObserverCollection: [ObserverRow]] = [:]
    }

    private let made = Mutex<Made?>(nil)

    /// The endpoints network-observer serves that describe what this agent does not see (processes, components and
    /// their pairs): answered as empty collections, so scripts reading them keep working.
    static let emptyCollections: Set<String> = ["processes", "components", "sitepairs", "componentpairs", "processpairs", "applicationflows"]

    /// The answer to `GET` of `path` (below `/api/v2alpha1/`) with the query's parameters.
    func answer(path: [Substring], parameters: [(String, String)], snapshot: FlowSnapshot, version: String, now: Int) -> (status: Int, body: String) {
        guard let first = path.first else { return notFound("no collection named") }
        let name = String(first)
        if name == "hosts" { return (410, error("ErrDeprecated", "the 'hosts' endpoint has been deprecated and will not be replaced.")) }
        if Self.emptyCollections.contains(name) {
            guard path.count == 1 else { return notFound("\(name) '\(path.dropFirst().joined(separator: "/"))' not found") }
            return (200, collection([], matched: 0))
        }
        guard let kind = ObserverCollection(rawValue: name) ?? ObserverCollection.aliases[name] else { return notFound("no collection \"\(name)\"") }
        let rows = rows(kind, snapshot: snapshot, version: version)
        switch path.count {
        case 1:
            return query(rows, fields: kind.fields, parameters: parameters, now: now)
        case 2:
            guard let row = rows.first(where: { $0.identity == path[1] }) else { return notFound("\(kind.rawValue) '\(path[1])' not found") }
            return (200, JSONValue.object([("results", row.json)]).compact())
        case 3:
            guard rows.contains(where: { $0.identity == path[1] }) else { return notFound("\(kind.rawValue) '\(path[1])' not found") }
            switch (kind, path[2]) {
            case (.sites, "routers"):
                return query(
                    self.rows(.routers, snapshot: snapshot, version: version).filter { $0["siteId"] == .string(String(path[1])) },
                    fields: ObserverCollection.routers.fields, parameters: parameters, now: now)
            case (.services, "connections"):
                return query(
                    self.rows(.connections, snapshot: snapshot, version: version).filter { $0["routingKey"] == .string(String(path[1])) },
                    fields: ObserverCollection.connections.fields, parameters: parameters, now: now)
            case (.sites, "processes"), (.services, "processes"), (.services, "processpairs"):
                return (200, collection([], matched: 0))
            default:
                return notFound("no sub-collection \"\(path[2])\" of \(kind.rawValue)")
            }
        default:
            return notFound("no such path")
        }
    }

    /// A collection's rows for the snapshot of `version` (made now if the records changed since they were last made).
    func rows(_ kind: ObserverCollection, snapshot: FlowSnapshot, version: String) -> [ObserverRow] {
        made.withLock { made in
            if made?.version != version {
                made = Made(version: version, rows: ObserverRows(index: NetworkIndex(records: snapshot.records), connections: snapshot.connections))
            }
            if let rows = made?.collections[kind] { return rows }
            let rows = made?.rows.rows(kind) ?? []
            made?.collections[kind] = rows
            return rows
        }
    }

    private func query(_ rows: [ObserverRow], fields: Set<String>, parameters: [(String, String)], now: Int) -> (status: Int, body: String) {
        let query = ObserverQuery(parameters: parameters, now: now)
        do {
            let (page, matched) = try query.apply(to: rows, fields: fields)
            return (200, collection(page, matched: matched))
        } catch {
            return (400, self.error("ErrBadRequest", error.message))
        }
    }

    private func collection(_ rows: some Collection<ObserverRow>, matched: Int) -> String {
        var out = "{\"count\":\(rows.count),\"results\":["
        for (index, row) in rows.enumerated() {
            if index > 0 { out += "," }
            out += row.json.compact()
        }
        out += "],\"timeRangeCount\":\(matched)}"
        return out
    }

    private func notFound(_ message: String) -> (status: Int, body: String) { (404, error("ErrNotFound", message)) }

    private func error(_ code: String, _ message: String) -> String {
        JSONValue.object([("message", .string(message)), ("code", .string(code))]).compact()
    }
}
