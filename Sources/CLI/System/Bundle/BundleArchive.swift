import Foundation
import Resources
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// A bundle on disk: a gzipped tarball (`install.sh`, `skupper-bundle.json`, `<namespace>/...`), or a shell script
/// carrying the same tarball after its `__TARBALL_CONTENT__` line, or a directory a tarball was extracted into.
/// Opening one extracts it into a private directory, checks it whole and keeps what it checked, before anything is
/// installed.
struct BundleArchive {
    static let marker = "__TARBALL_CONTENT__"

    var manifest: BundleManifest
    /// The namespace's files as checked against the manifest, by path there: what is installed is what was checked.
    var contents: [String: Data]

    // MARK: - Writing

    /// Writes `contents` (by path in the namespace's directory) as a bundle of `type` at `output`, with `manifest`
    /// as encoded (the bytes whose digest the install script carries).
    static func write(
        contents: [String: Data], namespace: String, manifest: Data, installScript: String, type: BundleType, package: URL?, to output: URL
    ) throws {
        let staging = try privateDirectory(near: output)
        defer { try? FileManager.default.removeItem(at: staging) }
        let directory = staging.appendingPathComponent(namespace)
        for (relative, data) in contents {
            let target = directory.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: target.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CLIError("cannot stage \(relative) for the bundle")
            }
        }
        try manifest.write(to: staging.appendingPathComponent(BundleManifest.fileName))
        var members = [BundleManifest.fileName, namespace]
        if let package {
            let directory = staging.appendingPathComponent("package")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: package, to: directory.appendingPathComponent(package.lastPathComponent))
            members.append("package")
        }
        let archive = staging.appendingPathComponent("bundle.tar.gz")
        switch type {
        case .tarball:
            try installScript.write(to: staging.appendingPathComponent("install.sh"), atomically: false, encoding: .utf8)
            chmod(staging.appendingPathComponent("install.sh").path, 0o755)
            try tar(["-czf", archive.path, "--owner=0", "--group=0", "-C", staging.path, "install.sh"] + members)
            try publish(archive, to: output, mode: 0o600)
        case .shellScript:
            try tar(["-czf", archive.path, "--owner=0", "--group=0", "-C", staging.path] + members)
            var script = Data(installScript.utf8)
            script.append(Data("\nexit 0\n\(marker)\n".utf8))
            script.append(try Data(contentsOf: archive))
            try script.write(to: archive)
            try publish(archive, to: output, mode: 0o700)
        }
    }

    /// Moves the finished bundle into place, owner-only whatever the umask (it holds the site's keys).
    private static func publish(_ file: URL, to output: URL, mode: mode_t) throws {
        chmod(file.path, mode)
        guard rename(file.path, output.path) == 0 else {
            throw CLIError("cannot write \(output.path): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: - Reading

    /// Extracts and checks the bundle at `path`, the extraction removed after; `expectedManifest` is the manifest's
    /// SHA-256 its install script names. Throws, with what is wrong, for anything but a whole bundle of a format this
    /// command reads.
    static func open(_ path: URL, expectedManifest: String?) throws -> BundleArchive {
        var info = stat()
        guard stat(path.path, &info) == 0 else { throw CLIError("cannot read the bundle \(path.path): \(String(cString: strerror(errno)))") }
        if info.st_mode & S_IFMT == S_IFDIR { return try check(path, expectedManifest: expectedManifest, extracted: false) }
        let directory = try privateDirectory(near: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("x"))
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let tarball = try tarballPart(of: path, scratch: directory)
            // Listed first: a symbolic link, a hard link or a device is refused before anything is extracted.
            guard let listing = CommandCapture.run(["tar", "-tvzf", tarball.path], timeout: 120), listing.status == 0 else {
                throw CLIError("the bundle \(path.path) is not a whole gzipped tarball (cut short or damaged)")
            }
            for line in String(decoding: listing.text, as: UTF8.self).split(separator: "\n") {
                guard line.hasPrefix("-") || line.hasPrefix("d") else {
                    throw CLIError("the bundle \(path.path) holds something other than files and directories: \(line.prefix(200))")
                }
                if line.contains(" ../") || line.contains("/../") || line.contains(" /") || line.hasSuffix("/..") {
                    throw CLIError("the bundle \(path.path) holds a path that leaves its directory: \(line.prefix(200))")
                }
            }
            let extracted = directory.appendingPathComponent("bundle")
            try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try tar(
                ["-xzf", tarball.path, "-C", extracted.path, "--no-same-owner", "--no-same-permissions"], what: "the bundle \(path.path) cannot be extracted")
            return try check(extracted, expectedManifest: expectedManifest, extracted: true)
        }
    }

    /// The tarball itself: the file, or what follows the marker line of a self-extracting script.
    private static func tarballPart(of path: URL, scratch: URL) throws -> URL {
        let data = try Data(contentsOf: path)
        guard data.starts(with: Data("#!".utf8)) else { return path }
        guard let range = data.range(of: Data("\n\(marker)\n".utf8)) else {
            throw CLIError("the bundle \(path.path) is a script without a bundled site (no \(marker) line)")
        }
        let tarball = scratch.appendingPathComponent("bundle.tar.gz")
        try data[range.upperBound...].write(to: tarball)
        return tarball
    }

    /// Checks an extracted bundle: its manifest, its top entries, and every file against the manifest.
    private static func check(_ top: URL, expectedManifest: String?, extracted: Bool) throws -> BundleArchive {
        let manifestURL = top.appendingPathComponent(BundleManifest.fileName)
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw CLIError("the bundle has no \(BundleManifest.fileName): it was not made by skupper system generate-bundle")
        }
        if let expectedManifest, BundleManifest.digest(data) != expectedManifest {
            throw CLIError("the bundle's \(BundleManifest.fileName) is not the one its install script was made with: the bundle was changed")
        }
        struct Format: Decodable { var format: Int }
        guard let format = try? JSONDecoder().decode(Format.self, from: data) else {
            throw CLIError("the bundle's \(BundleManifest.fileName) cannot be read")
        }
        guard format.format <= BundleManifest.currentFormat else {
            throw CLIError("the bundle is of format \(format.format), made by a newer skupper: this one reads format \(BundleManifest.currentFormat)")
        }
        guard let manifest = try? JSONDecoder().decode(BundleManifest.self, from: data) else {
            throw CLIError("the bundle's \(BundleManifest.fileName) cannot be read")
        }
        guard ObjectMeta.isValidName(manifest.namespace), !manifest.namespace.contains(".") else {
            throw CLIError("the bundle names a namespace that is not valid: \"\(manifest.namespace.prefix(80))\"")
        }
        let allowed = Set([BundleManifest.fileName, manifest.namespace, "install.sh"] + (manifest.package != nil ? ["package"] : []))
        for name in try FileManager.default.contentsOfDirectory(atPath: top.path) where !allowed.contains(name) {
            // A directory a user extracted a tarball into may hold other things beside it; an extraction may not.
            if extracted { throw CLIError("the bundle holds \(name), which is not a bundle's (wrong namespace?)") }
        }
        var info = stat()
        guard lstat(top.appendingPathComponent(manifest.namespace).path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw CLIError("the bundle has no directory for its namespace \"\(manifest.namespace)\" (wrong namespace?)")
        }
        // One walk: only files and directories, only under the directories a bundle carries.
        let root = top.appendingPathComponent(manifest.namespace)
        var present: [String] = []
        let walker = FileManager.default.enumerator(atPath: root.path)
        while let relative = walker?.nextObject() as? String {
            guard lstat(root.appendingPathComponent(relative).path, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR { continue }
            guard type == S_IFREG else { throw CLIError("the bundle's \(relative) is not a regular file") }
            guard BundleContents.carried.contains(where: { relative.hasPrefix($0 + "/") }) else {
                throw CLIError("the bundle holds \(relative), which a bundle does not carry")
            }
            present.append(relative)
        }
        let listed = Set(manifest.files.keys)
        if let missing = listed.subtracting(present).sorted().first {
            throw CLIError("the bundle lacks \(missing), which its manifest lists: it was cut short or changed")
        }
        if let extra = Set(present).subtracting(listed).sorted().first {
            throw CLIError("the bundle holds \(extra), which its manifest does not list: it was changed")
        }
        var contents: [String: Data] = [:]
        for relative in present {
            let data = try Data(contentsOf: root.appendingPathComponent(relative))
            guard BundleManifest.digest(data) == manifest.files[relative] else {
                throw CLIError("the bundle's \(relative) is not what its manifest says: it was damaged or changed")
            }
            contents[relative] = data
        }
        if let package = manifest.package {
            let data = FileManager.default.contents(atPath: top.appendingPathComponent("package").appendingPathComponent(package).path)
            guard let data, BundleManifest.digest(data) == manifest.packageDigest else {
                throw CLIError("the bundle's package \(package) is missing or not what its manifest says: it was damaged or changed")
            }
        }
        return BundleArchive(manifest: manifest, contents: contents)
    }

    // MARK: -

    /// A new owner-only directory beside `file` (the same file system, so the finished bundle is renamed in place).
    static func privateDirectory(near file: URL) throws -> URL {
        let directory = file.deletingLastPathComponent().appendingPathComponent(".skupper-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }

    static func tar(_ arguments: [String], what: String = "cannot write the bundle") throws {
        guard let output = CommandCapture.run(["tar"] + arguments, timeout: 300, includeStandardError: true) else {
            throw CLIError("\(what): tar is not installed or did not finish")
        }
        guard output.status == 0 else {
            let text = String(decoding: output.text, as: UTF8.self).split(separator: "\n").prefix(3).joined(separator: "; ")
            throw CLIError("\(what): tar exited with status \(output.status): \(text)")
        }
    }
}

/// `--type` of `skupper system generate-bundle`, as Skupper v2 names them.
enum BundleType: String, CaseIterable {
    case tarball
    case shellScript = "shell-script"

    var fileExtension: String { self == .tarball ? ".tar.gz" : ".sh" }
}

extension JSONEncoder {
    /// Keys sorted and pretty: a manifest reads the same every time.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }
}
