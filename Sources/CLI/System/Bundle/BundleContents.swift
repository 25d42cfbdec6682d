import Foundation
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// What a bundle carries of a namespace: its input (resources, certificates, issuers) and the identity its agent made
/// (the site id, CAs and certificates, redeemed links and tokens), never its statuses, router configuration, locks or
/// proxies' files, which the agent on the other machine makes again.
enum BundleContents {
    /// The namespace's directories a bundle carries, relative to it.
    static let carried = ["input/resources", "input/certs", "input/issuers", "runtime/state", "runtime/issuers", "runtime/certs", "runtime/links"]

    /// The regular files under the carried directories, relative to the namespace's directory; a symbolic link or
    /// anything but a file or a directory is an error (a bundle copies files, never what they point at).
    static func files(in root: URL, input: URL?) throws -> [(relative: String, url: URL)] {
        var found: [(String, URL)] = []
        for directory in carried {
            let base = directory == "input/resources" && input != nil ? input! : root.appendingPathComponent(directory)
            try walk(base, relative: directory, into: &found)
        }
        return found.sorted { $0.0 < $1.0 }
    }

    private static func walk(_ url: URL, relative: String, into found: inout [(String, URL)]) throws {
        var info = stat()
        guard lstat(url.path, &info) == 0 else {
            if errno == ENOENT { return }
            throw CLIError("cannot read \(url.path): \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            found.append((relative, url))
        case S_IFDIR:
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            for name in names {
                // The agent's temporaries and locks are not the site's.
                if name.hasSuffix(".lock") || name.hasPrefix(".tmp") { continue }
                try walk(url.appendingPathComponent(name), relative: "\(relative)/\(name)", into: &found)
            }
        default:
            throw CLIError("\(url.path) is not a regular file or a directory: a bundle carries only files")
        }
    }
}
