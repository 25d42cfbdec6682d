import FoundationEssentials
import RouterEntities
import SiteFiles
import Synchronization

/// Puts `skrouterd.json` in place, on the loop or beside it, newest text last: every text has a generation, and a
/// write that finishes after a newer one was put in place is dropped, so a slow write beside the loop can never
/// replace what a later change wrote.
final class RouterConfigWriter: Sendable {
    let url: URL
    /// The generation of the text on disk (0: none written by this run).
    private let onDisk = Mutex<Int>(0)

    init(url: URL) {
        self.url = url
    }

    /// Writes the parts of generation `generation` unless a newer one is on disk; returns whether it wrote.
    @discardableResult
    func write(_ parts: [TextPiece], generation: Int) throws -> Bool {
        try onDisk.withLock { current in
            guard generation > current else { return false }
            // Derived from the input at every start: replaced atomically, not flushed to disk each time. Packed
            // pieces are unpacked one at a time as they are written.
            try AtomicFile.write(to: url, durable: false) { emit in parts.allSatisfy { $0.withUTF8(emit) } }
            current = generation
            return true
        }
    }

    /// Removes the file, and drops every write of an older generation still under way.
    func remove(generation: Int) {
        onDisk.withLock { current in
            try? FileManager.default.removeItem(at: url)
            current = max(current, generation)
        }
    }
}
