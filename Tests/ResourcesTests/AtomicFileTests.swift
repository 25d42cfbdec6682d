import Foundation
import SiteFiles
import Testing

/// Atomic writes and the removal of their leftovers, which walks directories of thousands of status files.
@Suite("Atomic files")
struct AtomicFileTests {
    @Test func leftoverTemporariesAreRemovedAndNothingElse() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("runtime/resources")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        // Names of every length, so that some directory entries end right at the end of a buffer the kernel filled.
        var kept: [String] = []
        let directory = try AtomicFile.OpenDirectory(nested.path)
        for index in 0..<3000 {
            let name = "Listener-" + String(repeating: "l", count: index % 200) + "\(index).yaml"
            try AtomicFile.write(parts: ["status: Ready\n"], named: name, in: directory, mode: 0o600, durable: false)
            kept.append(name)
        }
        let leftovers = [".Listener-a.yaml.123.456.tmp", ".x.tmp"]
        for name in leftovers { FileManager.default.createFile(atPath: nested.appendingPathComponent(name).path, contents: Data()) }
        FileManager.default.createFile(atPath: root.appendingPathComponent(".top.tmp").path, contents: Data())
        symlink("/tmp", root.appendingPathComponent("link").path)
        AtomicFile.removeTemporaries(under: root)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: nested.path))
        #expect(left == Set(kept))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".top.tmp").path))
        // A written file is owner-only whatever the umask, and holds its parts one after another.
        let first = nested.appendingPathComponent(kept[0]).path
        #expect(try String(contentsOfFile: first, encoding: .utf8) == "status: Ready\n")
        var info = stat()
        #expect(stat(first, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }
}
