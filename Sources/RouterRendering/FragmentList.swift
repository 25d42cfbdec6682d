import HostSupport
import Resources
import RouterEntities

/// Serialized entities kept in name order, in chunks whose joined text is kept with them, packed (`PackedText`, about
/// a tenth of its size), so that changing one entity among tens of thousands unpacks and joins again only its chunk,
/// and the whole list's text is a few hundred pieces to write one after another (`pieces`), never one string of
/// every entity.
public struct FragmentList: Sendable {
    /// Names in order with their fragments. A chunk at rest holds its fragments only in its packed joined text (with
    /// where each ends); reading or changing one unpacks the chunk's fragments until `finishChanges`.
    struct Chunk: Sendable {
        var names: [String] = []
        /// The fragments joined by ",\n", packed, as last joined.
        var packed = PackedText("")
        /// Where each fragment ends in the joined text (UTF-8 offsets), as last joined.
        var ends: [UInt32] = []
        /// Every fragment in order, while the chunk is read or changed.
        var unpacked: [String]?
        /// Whether `unpacked` differs from the packed text.
        var changed = false

        init(names: [String] = [], fragments: [String] = []) {
            self.names = names
            unpacked = fragments
            changed = true
        }

        /// Every fragment in order, as last set.
        func fragments() -> [String] {
            if let unpacked { return unpacked }
            let text = packed.text
            var fragments: [String] = []
            fragments.reserveCapacity(ends.count)
            let utf8 = text.utf8
            var start = utf8.startIndex
            for (index, end) in ends.enumerated() {
                let stop = utf8.index(utf8.startIndex, offsetBy: Int(end))
                fragments.append(String(decoding: utf8[start..<stop], as: UTF8.self))
                if index + 1 < ends.count { start = utf8.index(stop, offsetBy: 2) }
            }
            return fragments
        }

        /// Unpacks the fragments (once) to read or change them.
        mutating func unpack() {
            if unpacked == nil { unpacked = fragments() }
        }

        /// The fragment at `index`, unpacking the chunk.
        mutating func fragment(_ index: Int) -> String {
            unpack()
            return unpacked![index]
        }

        mutating func replace(_ index: Int, with fragment: String) {
            unpack()
            unpacked![index] = fragment
            changed = true
        }

        mutating func insert(_ name: String, _ fragment: String, at index: Int) {
            unpack()
            unpacked!.insert(fragment, at: index)
            names.insert(name, at: index)
            changed = true
        }

        mutating func remove(at index: Int) {
            unpack()
            unpacked!.remove(at: index)
            names.remove(at: index)
            changed = true
        }

        /// Joins and packs the fragments again if they changed, and lets the unpacked ones go.
        mutating func settle() {
            guard let fragments = unpacked else { return }
            unpacked = nil
            guard changed else { return }
            changed = false
            var text = ""
            text.reserveCapacity(fragments.reduce(0) { $0 + $1.utf8.count + 2 })
            var ends: [UInt32] = []
            ends.reserveCapacity(fragments.count)
            for (offset, fragment) in fragments.enumerated() {
                if offset > 0 { text += ",\n" }
                text += fragment
                ends.append(UInt32(text.utf8.count))
            }
            packed = PackedText(text)
            self.ends = ends
        }
    }

    /// A chunk splits in two above this many entities (about 50 KiB of text for TCP listeners).
    static let maximumChunk = 256

    private var chunks: [Chunk] = []
    /// Chunks unpacked since the last `finishChanges` (changed, or read to compare), settled by it.
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
        return found ? chunk.fragments()[index] : nil
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
            // Unpacked to compare: packed again (or let go, if unchanged) by `finishChanges`.
            stale.insert(chunkIndex)
            guard chunks[chunkIndex].fragment(index) != fragment else { return false }
            chunks[chunkIndex].replace(index, with: fragment)
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

    /// Joins and packs again the chunks changed since the last call (on every core when there are many: a cold
    /// start packs them all), and lets go of those only read.
    public mutating func finishChanges() {
        let indices = Array(stale)
        stale = []
        let chunks = chunks
        let settled = Offload.map(indices.count, parallelFrom: Self.parallelChunks) { offset -> Chunk in
            var chunk = chunks[indices[offset]]
            chunk.settle()
            return chunk
        }
        for (index, chunk) in zip(indices, settled) { self.chunks[index] = chunk }
    }

    /// At least this many chunks to settle are packed on every core.
    static let parallelChunks = 8

    /// The list's text as pieces, each a run of entities joined by ",\n", in name order.
    public var pieces: [TextPiece] {
        precondition(stale.isEmpty, "FragmentList read before finishChanges")
        return chunks.map { .packed($0.packed) }
    }
}
