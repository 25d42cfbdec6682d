import Foundation
import SiteFiles
import Testing

/// Private directories and their missing parents, made 0700 whatever the umask.
@Suite("Private directories")
struct PrivateDirectoryTests {
    @Test func missingParentsAreMadePrivateAndAFileInTheWayIsRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("private-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // Given with a `..` and a trailing slash, as a --config-dir may be.
        let deep = URL(fileURLWithPath: root.path + "/a/x/../b/c/", isDirectory: true)
        try PrivateDirectory.create(deep)
        for path in ["a", "a/b", "a/b/c"] {
            var info = stat()
            #expect(stat(root.appendingPathComponent(path).path, &info) == 0 && info.st_mode & 0o7777 == 0o700, "\(path)")
        }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("a/x").path))
        // An existing directory is made private only when asked to be.
        chmod(root.appendingPathComponent("a/b").path, 0o755)
        try PrivateDirectory.create(root.appendingPathComponent("a/b/c"))
        var info = stat()
        #expect(stat(root.appendingPathComponent("a/b").path, &info) == 0 && info.st_mode & 0o7777 == 0o755)
        try PrivateDirectory.create(root.appendingPathComponent("a/b"))
        #expect(stat(root.appendingPathComponent("a/b").path, &info) == 0 && info.st_mode & 0o7777 == 0o700)
        #expect(FileManager.default.createFile(atPath: root.appendingPathComponent("a/file").path, contents: Data()))
        #expect { try PrivateDirectory.create(root.appendingPathComponent("a/file/d")) } throws: { error in
            "\(error)".contains("\(root.path)/a/file") && "\(error)".contains("not a directory")
        }
    }
}
