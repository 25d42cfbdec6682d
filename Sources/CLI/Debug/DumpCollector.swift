import Foundation
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// Gathers what `skupper debug dump` puts in its tarball into a private staging directory: the namespace's input
/// and runtime files (private keys left out, every text file checked for keys), logs, and command outputs. Each
/// file left out is noted with the reason, for the dump's README.txt.
struct DumpCollector {
    let layout: SiteLayout
    /// The dump's top directory, inside the staging directory.
    let top: URL
    /// What was left out or could not be had, and why.
    private(set) var notes: [String] = []
    /// Paths in the dump, relative to the top directory.
    private(set) var added: [String] = []
    /// The secrets (other than private keys) to mask, learnt from the namespace's files before any is added.
    private(set) var secrets = SecretRedaction()
    /// What was masked in each file added, by path.
    private(set) var masked: [(path: String, what: [String])] = []

    /// Files bigger than this are left out (the router's log is cut to its end instead).
    static let maximumFileSize = 8 << 20
    /// How much of the router's log goes in.
    static let logTail = 1 << 20

    init(layout: SiteLayout, top: URL) {
        self.layout = layout
        self.top = top
    }

    /// Notes something left out.
    mutating func note(_ text: String) { notes.append(text) }

    /// Adds a file's bytes at `path` (relative to the top directory); text has its private keys and secrets cut out
    /// (`redact`) and is checked for keys left, what is not text is left out.
    mutating func add(_ path: String, _ data: Data, redact: Bool = true) {
        var data = data
        if let text = String(data: data, encoding: .utf8) {
            var what: [String] = []
            let redacted = redact ? secrets.redact(PrivateKeyRedaction.redact(text), masked: &what) : text
            if !what.isEmpty { masked.append((path, what)) }
            guard !PrivateKeyRedaction.containsPrivateKey(redacted) else {
                note("\(path): left out (it holds a private key that could not be cut out)")
                return
            }
            data = Data(redacted.utf8)
        } else {
            note("\(path): left out (not text)")
            return
        }
        let url = top.appendingPathComponent(path)
        do {
            try PrivateDirectory.create(url.deletingLastPathComponent())
            _ = try AtomicFile.write(data, to: url, mode: 0o600, skipIfUnchanged: false, durable: false)
            added.append(path)
        } catch {
            note("\(path): cannot be staged: \(error)")
        }
    }

    /// Adds text at `path`.
    mutating func add(_ path: String, text: String, redact: Bool = true) { add(path, Data(text.utf8), redact: redact) }

    /// Learns the secrets the files under each directory hold (codes, passwords, Secret data), so that they are masked
    /// wherever they appear in the dump, logs and journal included.
    mutating func learnSecrets(under directories: [URL]) {
        for directory in directories {
            for url in regularFiles(under: directory) where !url.lastPathComponent.lowercased().hasSuffix(".key") {
                let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
                guard size <= Self.maximumFileSize, let data = FileManager.default.contents(atPath: url.path),
                    let text = String(data: data, encoding: .utf8)
                else { continue }
                secrets.learn(file: url.lastPathComponent, text: text)
            }
        }
    }

    /// The regular files under `directory`, sorted, not following symbolic links (each one noted).
    mutating func regularFiles(under directory: URL, noting: Bool = false) -> [URL] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: directory, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey],
                options: [])
        else { return [] }
        var files: [URL] = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            if values?.isSymbolicLink == true {
                if noting { note("\(relative(url)): left out (a symbolic link)") }
                continue
            }
            if values?.isRegularFile == true { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Adds every regular file under `directory` (a part of the namespace directory) at its path relative to the
    /// namespace directory; `*.key` files, password files, the agent's lock, temporaries and the router's log (see
    /// `addRouterLog`) are not taken, nor anything a symbolic link points to.
    mutating func addNamespaceTree(_ directory: URL) {
        let fm = FileManager.default
        for url in regularFiles(under: directory, noting: true) {
            let path = relative(url)
            let name = url.lastPathComponent
            if name.lowercased().hasSuffix(".key") {
                note("\(path): left out (private key)")
                continue
            }
            if name.hasSuffix("password.txt") {
                note("\(path): left out (a password)")
                continue
            }
            if name == layout.agentLock.lastPathComponent || name.hasPrefix(".") || url.standardizedFileURL.path == routerLog.standardizedFileURL.path {
                continue
            }
            let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
            guard size <= Self.maximumFileSize else {
                note("\(path): left out (\(size) bytes)")
                continue
            }
            guard let data = fm.contents(atPath: url.path) else {
                note("\(path): cannot be read")
                continue
            }
            add(path, data)
        }
    }

    /// The process platform's router log.
    var routerLog: URL { layout.routerDirectory.appendingPathComponent("skrouterd.log") }

    /// Adds the end of the router's log (its last MiB, from a line start), when there is one.
    mutating func addRouterLog() {
        guard let handle = FileHandle(forReadingAtPath: routerLog.path) else { return }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(Self.logTail) ? size - UInt64(Self.logTail) : 0
        guard (try? handle.seek(toOffset: start)) != nil, var data = try? handle.readToEnd() else { return }
        if start > 0 {
            if let newline = data.firstIndex(of: UInt8(ascii: "\n")) { data = data[(newline + 1)...] }
            note("\(relative(routerLog)): its last \(data.count) of \(size) bytes")
        }
        add(relative(routerLog), Data(String(decoding: data, as: UTF8.self).utf8))
    }

    /// Adds what a command printed, when it ran and printed something; `accept` may refuse an exit status.
    mutating func addCommand(
        _ path: String, _ arguments: [String], timeout: Double = 10, includeStandardError: Bool = false,
        accept: (Int32) -> Bool = { $0 == 0 }
    ) {
        let commandLine = arguments.joined(separator: " ")
        guard let output = CommandCapture.run(arguments, timeout: timeout, includeStandardError: includeStandardError) else {
            note("\(path): `\(commandLine)` is not available or did not finish within \(Int(timeout)) seconds")
            return
        }
        let text = String(decoding: output.text, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard accept(output.status), !trimmed.isEmpty, trimmed != "-- No entries --" else {
            note("\(path): `\(commandLine)` gave nothing (exit status \(output.status))")
            return
        }
        add(path, text: text)
    }

    /// `url`'s path relative to the namespace directory.
    func relative(_ url: URL) -> String {
        let base = layout.root.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        guard path.hasPrefix(base + "/") else { return url.lastPathComponent }
        return String(path.dropFirst(base.count + 1))
    }
}
