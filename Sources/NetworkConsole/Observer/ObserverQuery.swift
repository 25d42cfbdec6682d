import RouterEntities

/// A collection request's parameters as network-observer reads them: `offset` and `limit` (paging), `sortBy`
/// (`field.asc` or `field.desc`, default `identity`), `state` (`all`, `active`, `terminated`), a time range
/// (`timeRangeStart`/`timeRangeEnd` in microseconds, default the last 15 minutes, with `timeRangeOperation`
/// `intersects`, `contains` or `within`), and any other parameter a filter on the field of that name (a text field
/// matches a value it starts with, a number or boolean one it equals).
struct ObserverQuery: Sendable {
    enum State: Sendable { case all, active, terminated }
    enum TimeRelation: Sendable { case intersects, contains, within }

    var offset = -1
    var limit = -1
    var sortField = "identity"
    var descending = false
    var state = State.all
    var timeRangeStart: Int
    var timeRangeEnd: Int
    var relation = TimeRelation.intersects
    var filters: [(field: String, values: [String])] = []

    /// At most this many filters are read from one request.
    static let maximumFilters = 16

    init(parameters: [(String, String)], now: Int) {
        timeRangeStart = now - 15 * 60 * 1_000_000
        timeRangeEnd = now
        var filterValues: [String: [String]] = [:]
        var filterOrder: [String] = []
        for (key, value) in parameters {
            switch key {
            case "offset": if let number = Int(value) { offset = number }
            case "limit": if let number = Int(value) { limit = number }
            case "sortBy":
                let parts = value.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count >= 2, let direction = parts.last, direction == "asc" || direction == "desc" else { continue }
                descending = direction == "desc"
                sortField = parts.dropLast().joined(separator: ".")
            case "timeRangeStart": if let number = Int(value) { timeRangeStart = number }
            case "timeRangeEnd": if let number = Int(value) { timeRangeEnd = number }
            case "timeRangeOperation": relation = value == "contains" ? .contains : value == "within" ? .within : .intersects
            case "state": state = value == "active" ? .active : value == "terminated" ? .terminated : .all
            default:
                if filterValues[key] == nil {
                    guard filterOrder.count < Self.maximumFilters else { continue }
                    filterOrder.append(key)
                }
                filterValues[key, default: []].append(value)
            }
        }
        filters = filterOrder.map { ($0, filterValues[$0] ?? []) }
    }

    /// A query's mistake, said as the observer says it (400).
    struct Invalid: Error, Sendable {
        var message: String
    }

    /// The rows the query selects, in its order and page, and how many matched before paging (`timeRangeCount`).
    /// `rows` come in identity order (the default one).
    func apply(to rows: [ObserverRow], fields: Set<String>) throws(Invalid) -> (page: ArraySlice<ObserverRow>, matched: Int) {
        for filter in filters where !fields.contains(filter.field) {
            throw Invalid(message: "invalid filter parameter \"\(filter.field)\"")
        }
        guard fields.contains(sortField) else { throw Invalid(message: "invalid sortBy parameter \"\(sortField)\": no such field") }
        // The rows of a collection keep their fields in one order: each field is found once, not row by row.
        func position(_ name: String) -> Int? { rows.first?.fields.firstIndex { $0.0 == name } }
        let filters = filters.map { (field: $0.field, values: $0.values, position: position($0.field)) }
        let selected = rows.filter { row in
            filters.allSatisfy { Self.matches(row.value($0.field, at: $0.position), $0.values) } && inTimeRange(row)
        }
        let start = min(max(offset, 0), selected.count)
        let end = limit < 0 ? selected.count : min(start + max(limit, 0), selected.count)
        guard sortField != "identity" || descending else { return (selected[start..<end], selected.count) }
        // Each row's key read once (a field is found by name); ties keep identity order.
        let field = sortField, descending = descending
        let at = position(field)
        let keys = selected.map { SortKey($0.value(field, at: at)) }
        let order = Ordering.first(end, of: selected.count) { a, b in
            keys[a] == keys[b] ? a < b : (descending ? keys[b] < keys[a] : keys[a] < keys[b])
        }
        return (ArraySlice(order[start..<end].map { selected[$0] }), selected.count)
    }

    private func inTimeRange(_ row: ObserverRow) -> Bool {
        let start = row.startTime, end = row.endTime
        switch state {
        case .active where end != 0: return false
        case .terminated where end == 0: return false
        default: break
        }
        switch relation {
        case .intersects: return !((end != 0 && end < timeRangeStart) || start > timeRangeEnd)
        case .contains: return start <= timeRangeStart && (end == 0 || end >= timeRangeEnd)
        case .within: return start >= timeRangeStart && end != 0 && end <= timeRangeEnd
        }
    }

    static func matches(_ value: JSONValue?, _ wanted: [String]) -> Bool {
        switch value {
        case .string(let text)?: return wanted.contains { !$0.isEmpty && text.hasPrefix($0) }
        case .int(let number)?: return wanted.contains { Int($0) == number }
        case .bool(let flag)?: return wanted.contains { ($0 == "true" && flag) || ($0 == "false" && !flag) }
        case .array(let items)?: return items.contains { matches($0, wanted) }
        default: return false
        }
    }
}
