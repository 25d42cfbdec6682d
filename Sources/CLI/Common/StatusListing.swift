import Resources

/// The shared body of `skupper listener|connector|link status [name]`: the resources of one kind (all, or the
/// one named), printed as status documents (`-o yaml|json`), one resource's details, or a table.
struct StatusListing<Spec: KindSpec> {
    /// Each column's title in the details view ("Routing key") and in the table header ("ROUTING-KEY").
    var columns: [(detail: String, header: String)]
    /// The error when the named resource does not exist (`whereLooked`: the namespace and its directory).
    var notFound: (_ name: String, _ whereLooked: String) -> String
    /// The line printed when there are none.
    var noneFound: String
    /// A resource's cells, in column order.
    var row: (TypedResource<Spec>, StatusDocument) -> [String]

    func run(_ global: GlobalOptions, name: String?, output: OutputFormat?) throws {
        let site = global.site, agent = global.agent
        try agent.requireReadable()
        var entries = site.entries(of: Spec.kind)
        if let name {
            entries = entries.filter { $0.resource.name == name }
            guard !entries.isEmpty else { throw CLIError(notFound(name, global.whereLooked)) }
        }
        guard !entries.isEmpty else {
            Console.out(noneFound)
            return
        }
        let presence = agent.presence
        let documents = entries.map { agent.shown(site.status($0.resource.id), id: $0.resource.id, presence: presence) }
        if let output {
            Console.outRaw(Rendering.statuses(documents, output, single: name != nil))
            return
        }
        let rows = zip(entries, documents).compactMap { entry, document in TypedResource<Spec>(entry.resource).map { row($0, document) } }
        if name != nil, let row = rows.first {
            Console.outRaw(details(zip(columns.map(\.detail), row).map { ($0, $1) }))
            return
        }
        var table = Table()
        table.header = columns.map(\.header)
        table.rows = rows
        Console.outRaw(table.text)
    }
}
