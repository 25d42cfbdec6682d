import Foundation
import Testing

@testable import SiteFiles

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

/// New files made without a name and linked in whole (a cold start's status files), by each way a process may have.
@Suite("Atomic files: new files linked in whole")
struct AtomicNewFileTests {
    @Test(arguments: [AtomicFile.NewFileLink.emptyPath, .procLink, .none])
    func newFilesAreLinkedAndExistingOnesReplaced(way: AtomicFile.NewFileLink) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-new-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let directory = try AtomicFile.OpenDirectory(root.path, linkingNewFiles: way)
        try AtomicFile.write(parts: ["status: ", "Ready\n"], named: "Listener-a.yaml", in: directory, mode: 0o600, durable: false, new: true)
        // Said to be new but there after all: replaced, not refused.
        try AtomicFile.write(parts: ["status: Pending\n"], named: "Listener-a.yaml", in: directory, mode: 0o600, durable: true, new: true)
        try AtomicFile.write(parts: ["status: Error\n"], named: "Listener-b.yaml", in: directory, mode: 0o600, durable: true, new: true)
        #expect(try String(contentsOfFile: root.appendingPathComponent("Listener-a.yaml").path, encoding: .utf8) == "status: Pending\n")
        #expect(try String(contentsOfFile: root.appendingPathComponent("Listener-b.yaml").path, encoding: .utf8) == "status: Error\n")
        // Nothing else left in the directory, and owner-only.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: root.path)) == ["Listener-a.yaml", "Listener-b.yaml"])
        for name in ["Listener-a.yaml", "Listener-b.yaml"] {
            var info = stat()
            #expect(stat(root.appendingPathComponent(name).path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        }
    }

    @Test func aDirectoryGoneIsAnErrorNamingTheFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-gone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let directory = try AtomicFile.OpenDirectory(root.path)
        try FileManager.default.removeItem(at: root)
        #expect { try AtomicFile.write(parts: ["x\n"], named: "Site-a.yaml", in: directory, new: true) } throws: { error in
            "\(error)".contains("\(root.path)/Site-a.yaml")
        }
    }
}
