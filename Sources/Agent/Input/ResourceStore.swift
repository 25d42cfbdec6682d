import Resources

/// The resources in force, by file: each file's last good contents, its current error if any, and an index by
/// resource id. Applying one file touches only that file's resources, so a change costs the same however many
/// files the directory holds.
public struct ResourceStore: Sendable {
    /// What the store knows of one file.
    public struct FileState: Sendable, Hashable {
        /// Ids of the resources from this file that are in force (its last good contents).
        public var resources: [ResourceID] = []
        /// Why the file's current contents are not in force, if they are not.
        public var error: ResourceError?
        /// Documents skipped with a warning (unknown kinds).
        public var warnings: [ResourceError] = []
    }

    /// What one apply changed.
    public struct Change: Sendable, Hashable {
        public var added: Set<ResourceID> = []
        public var updated: Set<ResourceID> = []
        public var removed: Set<ResourceID> = []

        public var isEmpty: Bool { added.isEmpty && updated.isEmpty && removed.isEmpty }
        /// Every id that changed in any way.
        public var all: Set<ResourceID> { added.union(updated).union(removed) }
        /// Whether a resource of this kind changed.
        public func touches(_ kind: ResourceKind) -> Bool { all.contains { $0.kind == kind } }

        mutating func merge(_ other: Change) {
            for id in other.added { if removed.remove(id) != nil { updated.insert(id) } else { added.insert(id) } }
            for id in other.updated where !added.contains(id) { updated.insert(id) }
            for id in other.removed {
                if added.remove(id) == nil {
                    updated.remove(id)
                    removed.insert(id)
                }
            }
        }
    }

    public private(set) var files: [String: FileState] = [:]
    /// Each resource in force with the file it comes from: one entry per resource (the agent's largest tables hold
    /// one per resource, so this is one table, not two), read through `resources` and `owner(of:)`.
    private var entries: [ResourceID: Entry] = [:]
    struct Entry: Sendable {
        var resource: Resource
        var owner: String
    }
    /// The names of each kind's resources, for the kinds that are not services: the few site-wide ones are found
    /// without looking at thousands of services. Services are found by one walk of `entries` (every one is wanted
    /// then), so tens of thousands of them need no second table.
    private var byKind: [ResourceKind: Set<String>] = [:]
    /// How many resources of each kind are in force.
    private var counts: [ResourceKind: Int] = [:]
    /// The kinds `byKind` leaves out.
    static let unindexedKinds = SitePlan.serviceKinds
    /// Files rejected only because a resource they define is already defined elsewhere: retried when that changes.
    private var conflicted: [String: ResourceLoader.FileContents] = [:]

    public init() {}

    /// The resources in force, by id.
    public var resources: ResourceTable { ResourceTable(entries: entries) }

    /// The resources in force, by id (a view of the store's table).
    public struct ResourceTable: Sendable {
        fileprivate let entries: [ResourceID: Entry]

        public subscript(id: ResourceID) -> Resource? { entries[id]?.resource }
        public var count: Int { entries.count }
        public var values: some Collection<Resource> { entries.values.lazy.map(\.resource) }
    }

    /// The file a resource in force comes from.
    public func owner(of id: ResourceID) -> String? { entries[id]?.owner }

    /// The resources of a kind, in no particular order.
    public func resources(of kind: ResourceKind) -> [Resource] { resources(of: [kind]) }

    /// The resources of several kinds, in no particular order.
    public func resources(of kinds: Set<ResourceKind>) -> [Resource] {
        let indexed = kinds.subtracting(Self.unindexedKinds).flatMap { kind in
            byKind[kind].map { $0.compactMap { entries[ResourceID(kind, $0)]?.resource } } ?? []
        }
        guard !kinds.isDisjoint(with: Self.unindexedKinds) else { return indexed }
        return indexed + entries.values.lazy.map(\.resource).filter { Self.unindexedKinds.contains($0.kind) && kinds.contains($0.kind) }
    }

    /// How many resources of a kind are in force.
    public func count(of kind: ResourceKind) -> Int { counts[kind] ?? 0 }

    private mutating func set(_ id: ResourceID, _ resource: Resource?, owner: String) {
        let existed =
            if let resource { entries.updateValue(Entry(resource: resource, owner: owner), forKey: id) != nil } else { entries.removeValue(forKey: id) != nil }
        switch (existed, resource != nil) {
        case (false, true): counts[id.kind, default: 0] += 1
        case (true, false): counts[id.kind] = counts[id.kind] == 1 ? nil : counts[id.kind]! - 1
        default: break
        }
        guard !Self.unindexedKinds.contains(id.kind) else { return }
        if resource != nil { byKind[id.kind, default: []].insert(id.name) } else { byKind[id.kind]?.remove(id.name) }
    }

    /// Files whose current contents are rejected, with why.
    public var errors: [String: ResourceError] { files.compactMapValues(\.error) }

    /// Applies a file's new contents (`.success`), a parse failure (`.failure`: the last good contents stay in
    /// force), or its deletion (`nil`).
    @discardableResult
    public mutating func apply(file: String, _ result: Result<ResourceLoader.FileContents, ResourceError>?) -> Change {
        var change = Change()
        switch result {
        case nil:
            change = remove(file: file)
            files[file] = nil
            conflicted[file] = nil
        case .failure(let error):
            files[file, default: FileState()].error = error
            conflicted[file] = nil
        case .success(let contents):
            change = replace(file: file, with: contents)
        }
        if !change.removed.isEmpty || !change.updated.isEmpty {
            // A released name may let a conflicted file in.
            for (other, contents) in conflicted where other != file {
                change.merge(replace(file: other, with: contents))
            }
        }
        return change
    }

    private mutating func replace(file: String, with contents: ResourceLoader.FileContents) -> Change {
        if let clash = contents.resources.first(where: { owner(of: $0.id).map { $0 != file } ?? false }) {
            let location = clash.source ?? SourceLocation(file: file, document: 1)
            files[file, default: FileState()].error = ResourceError(
                location, field: "metadata.name",
                "\(clash.kind.rawValue) \"\(clash.name)\" is already defined in \(owner(of: clash.id)!)")
            files[file]!.warnings = contents.warnings
            conflicted[file] = contents
            return Change()
        }
        conflicted[file] = nil
        var change = Change()
        let previous = Set(files[file]?.resources ?? [])
        var current: [ResourceID] = []
        for resource in contents.resources {
            let id = resource.id
            current.append(id)
            if let old = entries[id]?.resource {
                if old != resource { change.updated.insert(id) }
            } else {
                change.added.insert(id)
            }
            set(id, resource, owner: file)
        }
        for id in previous.subtracting(current) {
            set(id, nil, owner: file)
            change.removed.insert(id)
        }
        files[file] = FileState(resources: current, error: nil, warnings: contents.warnings)
        return change
    }

    private mutating func remove(file: String) -> Change {
        var change = Change()
        for id in files[file]?.resources ?? [] where owner(of: id) == file {
            set(id, nil, owner: file)
            change.removed.insert(id)
        }
        return change
    }

    /// Adds or replaces resources the agent generated itself (redeemed links), owned by a pseudo-file.
    @discardableResult
    public mutating func setGenerated(_ generated: [Resource], owner: String) -> Change {
        replace(file: owner, with: ResourceLoader.FileContents(resources: generated))
    }
}

extension ResourceStore {
    /// The resources of `Spec`'s kind, with their specs typed.
    public func all<Spec: KindSpec>(_: Spec.Type) -> [TypedResource<Spec>] {
        resources(of: Spec.kind).compactMap(TypedResource<Spec>.init)
    }

    /// The resource of `Spec`'s kind named `name`, if there is one.
    public func one<Spec: KindSpec>(_: Spec.Type, named name: String) -> TypedResource<Spec>? {
        resources[ResourceID(Spec.kind, name)].flatMap(TypedResource<Spec>.init)
    }
}
