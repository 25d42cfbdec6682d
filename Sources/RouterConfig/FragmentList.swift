import Resources

/// Serialized entities kept in name order, in chunks whose joined text is kept with them, so that changing one entity
/// among tens of thousands joins again only its chunk, and the whole list's text is a few hundred pieces to write one
/// after another (`pieces`), never one string of every entity.
public struct FragmentList: Sendable {
    /// Names in order with their fragments, and the fragments joined by ",\n".
    struct Chunk: Sendable {
        var names: [String] = []
        var fragments: [String] = []
        var text = ""
    }

    /// A chunk splits in two above this many entities (about 50 KiB of text for TCP listeners).
    static let maximumChunk = 256

    private var chunks: [Chunk] = []
    /// Chunks whose `text` no longer matches their fragments, joined again by `finishChanges`.
    private var stale: Set<Int> = []

    public init() {}

    /// The number of entities.
    public private(set) var count = 0

    /// The chunk that holds `name` or would: the first whose last name is not below it, else the last.
    private func chunkIndex(for name: String) -> Int {
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle].names.last! < name { low = middle + 1 } else { high = middle }
        }
        return min(low, chunks.count - 1)
    }

    /// The fragment of `name`, if it has one.
    public func fragment(_ name: String) -> String? {
        guard !chunks.isEmpty else { return nil }
        let chunk = chunks[chunkIndex(for: name)]
        let (index, found) = SortedNames.position(of: name, in: chunk.names)
        return found ? chunk.fragments[index] : nil
    }

    /// Sets (or with nil removes) the fragment of `name`; returns whether the list's text changed. Call
    /// `finishChanges` before reading `pieces`.
    @discardableResult
    public mutating func set(_ name: String, _ fragment: String?) -> Bool {
        if chunks.isEmpty {
            guard let fragment else { return false }
            chunks = [Chunk(names: [name], fragments: [fragment])]
            stale.insert(0)
            count = 1
            return true
        }
        let chunkIndex = chunkIndex(for: name)
        let (index, found) = SortedNames.position(of: name, in: chunks[chunkIndex].names)
        switch (found, fragment) {
        case (true, let fragment?):
            guard chunks[chunkIndex].fragments[index] != fragment else { return false }
            chunks[chunkIndex].fragments[index] = fragment
            stale.insert(chunkIndex)
        case (true, nil):
            chunks[chunkIndex].names.remove(at: index)
            chunks[chunkIndex].fragments.remove(at: index)
            count -= 1
            if chunks[chunkIndex].names.isEmpty {
                chunks.remove(at: chunkIndex)
                stale = Set(stale.compactMap { $0 == chunkIndex ? nil : $0 > chunkIndex ? $0 - 1 : $0 })
            } else {
                stale.insert(chunkIndex)
            }
        case (false, let fragment?):
            chunks[chunkIndex].names.insert(name, at: index)
            chunks[chunkIndex].fragments.insert(fragment, at: index)
            count += 1
            stale.insert(chunkIndex)
            if chunks[chunkIndex].names.count > Self.maximumChunk { split(chunkIndex) }
        case (false, nil):
            return false
        }
        return true
    }

    /// Splits a full chunk into two halves.
    private mutating func split(_ index: Int) {
        let half = chunks[index].names.count / 2
        let upper = Chunk(names: Array(chunks[index].names[half...]), fragments: Array(chunks[index].fragments[half...]))
        chunks[index].names.removeSubrange(half...)
        chunks[index].fragments.removeSubrange(half...)
        chunks.insert(upper, at: index + 1)
        stale = Set(stale.map { $0 > index ? $0 + 1 : $0 })
        stale.insert(index)
        stale.insert(index + 1)
    }

    /// Joins again the chunks changed since the last call.
    public mutating func finishChanges() {
        for index in stale {
            var text = ""
            text.reserveCapacity(chunks[index].fragments.reduce(0) { $0 + $1.utf8.count + 2 })
            for (offset, fragment) in chunks[index].fragments.enumerated() {
                if offset > 0 { text += ",\n" }
                text += fragment
            }
            chunks[index].text = text
        }
        stale = []
    }

    /// The list's text as pieces, each a run of entities joined by ",\n", in name order.
    public var pieces: [String] {
        precondition(stale.isEmpty, "FragmentList read before finishChanges")
        return chunks.map(\.text)
    }
}
