import Resources

/// Serialized entities kept in name order, in chunks whose joined text is kept with them, so that changing one entity
/// among tens of thousands joins again only its chunk, and the whole list's text is a few hundred pieces to write one
/// after another (`pieces`), never one string of every entity.
public struct FragmentList: Sendable {
    /// Names in order with their fragments. A joined chunk holds its fragments only in its joined text (with where
    /// each ends), so every entity's text is held once; a change joins the chunk again.
    struct Chunk: Sendable {
        var names: [String] = []
        /// The fragments joined by ",\n", as last joined.
        var text = ""
        /// Where each fragment ends in `text` (UTF-8 offsets), as last joined.
        var ends: [Int] = []
        /// Every fragment in order, once names were inserted or removed since the last join.
        var unpacked: [String]?
        /// Fragments replaced in place since the last join, by index.
        var replaced: [Int: String] = [:]

        init(names: [String] = [], fragments: [String] = []) {
            self.names = names
            unpacked = fragments
        }

        /// The fragment at `index`, as last set.
        func fragment(_ index: Int) -> String {
            if let unpacked { return unpacked[index] }
            if let fragment = replaced[index] { return fragment }
            let utf8 = text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: index == 0 ? 0 : ends[index - 1] + 2)
            return String(decoding: utf8[start..<utf8.index(utf8.startIndex, offsetBy: ends[index])], as: UTF8.self)
        }

        /// Every fragment in order.
        func fragments() -> [String] { unpacked ?? names.indices.map(fragment) }

        mutating func replace(_ index: Int, with fragment: String) {
            if unpacked != nil { unpacked![index] = fragment } else { replaced[index] = fragment }
        }

        mutating func insert(_ name: String, _ fragment: String, at index: Int) {
            if unpacked == nil { unpacked = fragments() }
            unpacked!.insert(fragment, at: index)
            names.insert(name, at: index)
        }

        mutating func remove(at index: Int) {
            if unpacked == nil { unpacked = fragments() }
            unpacked!.remove(at: index)
            names.remove(at: index)
        }

        /// Joins the fragments again.
        mutating func join() {
            let fragments = fragments()
            var text = ""
            text.reserveCapacity(fragments.reduce(0) { $0 + $1.utf8.count + 2 })
            var ends: [Int] = []
            ends.reserveCapacity(fragments.count)
            for (offset, fragment) in fragments.enumerated() {
                if offset > 0 { text += ",\n" }
                text += fragment
                ends.append(text.utf8.count)
            }
            self.text = text
            self.ends = ends
            unpacked = nil
            replaced = [:]
        }
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
        return found ? chunk.fragment(index) : nil
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
            guard chunks[chunkIndex].fragment(index) != fragment else { return false }
            chunks[chunkIndex].replace(index, with: fragment)
            stale.insert(chunkIndex)
        case (true, nil):
            chunks[chunkIndex].remove(at: index)
            count -= 1
            if chunks[chunkIndex].names.isEmpty {
                chunks.remove(at: chunkIndex)
                stale = Set(stale.compactMap { $0 == chunkIndex ? nil : $0 > chunkIndex ? $0 - 1 : $0 })
            } else {
                stale.insert(chunkIndex)
            }
        case (false, let fragment?):
            chunks[chunkIndex].insert(name, fragment, at: index)
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
        let fragments = chunks[index].fragments()
        let upper = Chunk(names: Array(chunks[index].names[half...]), fragments: Array(fragments[half...]))
        chunks[index] = Chunk(names: Array(chunks[index].names[..<half]), fragments: Array(fragments[..<half]))
        chunks.insert(upper, at: index + 1)
        stale = Set(stale.map { $0 > index ? $0 + 1 : $0 })
        stale.insert(index)
        stale.insert(index + 1)
    }

    /// Joins again the chunks changed since the last call.
    public mutating func finishChanges() {
        for index in stale { chunks[index].join() }
        stale = []
    }

    /// The list's text as pieces, each a run of entities joined by ",\n", in name order.
    public var pieces: [String] {
        precondition(stale.isEmpty, "FragmentList read before finishChanges")
        return chunks.map(\.text)
    }
}
