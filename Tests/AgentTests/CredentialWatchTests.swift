import Foundation
import TestSupport
import Testing

@testable import Agent

/// `input/certs/` and `input/issuers/` are watched one level down: a directory's files, written one after another,
/// come as one change named by the directory, also for a directory created after the watch began.
@Suite("The watched certificate directories")
struct CredentialWatchTests {
    @Test func aDirectorysFilesComeAsOneChangeNamedByIt() async throws {
        let scratch = try ScratchDirectory()
        let root = URL(fileURLWithPath: scratch.path("certs"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("old"), withIntermediateDirectories: true)
        let watcher = try DirectoryWatcher(directory: root, quietPeriod: .milliseconds(200), subdirectories: true)
        let batches = watcher.batches()
        var iterator = batches.makeAsyncIterator()

        // Files replaced in a directory that was there at the start.
        for file in ["tls.crt", "tls.key", "ca.crt"] {
            try Data("x".utf8).write(to: root.appendingPathComponent("old/\(file)"))
            try await Task.sleep(for: .milliseconds(20))
        }
        let first = await iterator.next()
        #expect(first?.names == ["old"], "\(String(describing: first))")

        // A directory made after the watch began, then its files.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("new"), withIntermediateDirectories: true)
        try await Task.sleep(for: .milliseconds(20))
        for file in ["tls.crt", "tls.key", "ca.crt"] {
            try Data("y".utf8).write(to: root.appendingPathComponent("new/\(file)"))
        }
        var names: Set<String> = []
        while !names.contains("new") || names.isEmpty {
            guard let batch = await iterator.next() else { break }
            names.formUnion(batch.names)
        }
        #expect(names == ["new"])
        // Later writes in the new directory are seen too.
        try Data("z".utf8).write(to: root.appendingPathComponent("new/tls.crt"))
        let later = await iterator.next()
        #expect(later?.names == ["new"], "\(String(describing: later))")
    }
}
