import FlowRecords
import RouterEntities
import Synchronization

/// Answers the observer API's requests (`/api/v2alpha1/<collection>[/<id>[/<sub-collection>]]`) from the console's
/// reading of the records, as network-observer answers them: a collection as `count`, `results` and
/// `timeRangeCount`, a record as `results`, errors as `code` and `message`. Rows are made once and kept: those of the
/// records until the records change, each connection's until that connection does.
final class ObserverAPI: Sendable {
    /// The rows made of one version of the records.
    private struct RecordRows {
        var version: String
        var rows: ObserverRows
        var collections: [ObserverCollection: [ObserverRow]] = [:]
    }

    /// The connections' rows: each with the revision it was made at, and all of them in identity order as of the
    /// log's revision.
    private struct ConnectionRows {
        var recordsVersion = ""
        var revision: UInt64 = .max
        var byIdentity: [String: (revision: UInt64, row: ObserverRow)] = [:]
        var ordered: [ObserverRow] = []
    }

    private let records = Mutex<RecordRows?>(nil)
    private let connections = Mutex(ConnectionRows())

    /// The endpoints network-observer serves that describe what this agent does not see (processes, components and
    /// their pairs): answered as empty collections, so scripts reading them keep working.
    static let emptyCollections: Set<String> = ["processes", "components", "sitepairs", "componentpairs", "processpairs", "applicationflows"]

    /// The answer to `GET` of `path` (below `/api/v2alpha1/`) with the query's parameters.
    func answer(path: [Substring], parameters: [(String, String)], reading: ConsoleFeed.Reading, now: Int) -> (status: Int, body: String) {
        guard let first = path.first else { return notFound("no collection named") }
        let name = String(first)
        if name == "hosts" { return (410, error("ErrDeprecated", "the 'hosts' endpoint has been deprecated and will not be replaced.")) }
        if Self.emptyCollections.contains(name) {
            guard path.count == 1 else { return notFound("\(name) '\(path.dropFirst().joined(separator: "/"))' not found") }
            return (200, collection([], matched: 0))
        }
        guard let kind = ObserverCollection(rawValue: name) ?? ObserverCollection.aliases[name] else { return notFound("no collection \"\(name)\"") }
        let rows = rows(kind, reading: reading)
        switch path.count {
        case 1:
            return query(rows, fields: kind.fields, parameters: parameters, now: now)
        case 2:
            guard let row = rows.first(where: { $0.identity == path[1] }) else { return notFound("\(kind.rawValue) '\(path[1])' not found") }
            return (200, "{\"results\":\(row.text)}")
        case 3:
            guard rows.contains(where: { $0.identity == path[1] }) else { return notFound("\(kind.rawValue) '\(path[1])' not found") }
            let id = JSONValue.string(String(path[1]))
            switch (kind, path[2]) {
            case (.sites, "routers"):
                return query(
                    self.rows(.routers, reading: reading).filter { $0["siteId"] == id }, fields: ObserverCollection.routers.fields, parameters: parameters,
                    now: now)
            case (.services, "connections"):
                return query(
                    self.rows(.connections, reading: reading).filter { $0["routingKey"] == id }, fields: ObserverCollection.connections.fields,
                    parameters: parameters, now: now)
            case (.sites, "processes"), (.services, "processes"), (.services, "processpairs"):
                return (200, collection([], matched: 0))
            default:
                return notFound("no sub-collection \"\(path[2])\" of \(kind.rawValue)")
            }
        default:
            return notFound("no such path")
        }
    }

    /// A collection's rows as of `reading`, in identity order (made now where what they show changed).
    func rows(_ kind: ObserverCollection, reading: ConsoleFeed.Reading) -> [ObserverRow] {
        let recordRows = records.withLock { made -> ObserverRows in
            if made?.version != reading.recordsVersion {
                made = RecordRows(
                    version: reading.recordsVersion,
                    rows: ObserverRows(index: NetworkIndex(records: reading.snapshot.records)))
            }
            return made!.rows
        }
        guard kind == .connections else {
            return records.withLock { made in
                if let rows = made?.collections[kind] { return rows }
                let rows = recordRows.rows(kind)
                if made?.version == reading.recordsVersion { made?.collections[kind] = rows }
                return rows
            }
        }
        let log = reading.snapshot.connections
        return connections.withLock { made in
            if made.recordsVersion != reading.recordsVersion {
                made = ConnectionRows()
                made.recordsVersion = reading.recordsVersion
            }
            guard made.revision != log.revision else { return made.ordered }
            var byIdentity: [String: (revision: UInt64, row: ObserverRow)] = [:]
            byIdentity.reserveCapacity(log.connections.count)
            for (identity, connection) in log.connections {
                if let held = made.byIdentity[identity], held.revision == connection.revision {
                    byIdentity[identity] = held
                } else {
                    byIdentity[identity] = (connection.revision, recordRows.connection(connection))
                }
            }
            made.byIdentity = byIdentity
            made.ordered = byIdentity.keys.sorted().map { byIdentity[$0]!.row }
            made.revision = log.revision
            return made.ordered
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
            out += row.text
        }
        out += "],\"timeRangeCount\":\(matched)}"
        return out
    }

    private func notFound(_ message: String) -> (status: Int, body: String) { (404, error("ErrNotFound", message)) }

    private func error(_ code: String, _ message: String) -> String {
        JSONValue.object([("message", .string(message)), ("code", .string(code))]).compact()
    }
}
