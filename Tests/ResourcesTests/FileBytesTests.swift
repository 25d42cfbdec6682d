import Foundation
import HostSupport
import Testing

/// Small files read straight into bytes (a restart's status files).
@Suite("File bytes")
struct FileBytesTests {
    @Test func readsWholeFilesAndRefusesLinksDirectoriesAndTheOversized() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bytes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let large = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        try Data(large).write(to: root.appendingPathComponent("large"))
        try Data().write(to: root.appendingPathComponent("empty"))
        #expect(FileBytes.read(root.appendingPathComponent("large").path) == large)
        #expect(FileBytes.read(root.appendingPathComponent("empty").path) == [])
        #expect(FileBytes.read(root.appendingPathComponent("large").path, limit: 99_999) == nil)
        #expect(FileBytes.read(root.appendingPathComponent("missing").path) == nil)
        #expect(FileBytes.read(root.path) == nil)
        symlink(root.appendingPathComponent("large").path, root.appendingPathComponent("link").path)
        #expect(FileBytes.read(root.appendingPathComponent("link").path) == nil)
    }
}
