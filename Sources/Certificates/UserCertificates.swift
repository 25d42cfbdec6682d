import FoundationEssentials
import Resources
import SiteFiles

/// Certificates the user provides as files, as Skupper v2 reads them: `input/certs/<name>/` for a server or client
/// certificate and `input/issuers/<name>/` for a CA, each with `tls.crt`, `tls.key` and `ca.crt`. One found for a
/// certificate the site needs takes the place of the generated one (and of an input Secret of that name).
public enum UserCertificates {
    /// The files' names, all required.
    static let files = [TLSCredentials.certificateFile, TLSCredentials.privateKeyFile, TLSCredentials.caFile]

    /// The user's credentials for the requested names, as Secret data, and the directories that cannot be used (by
    /// name, with why). Files are read like input files: FIFOs, devices and links out of the directory are refused.
    public static func read(_ requests: [CertificateRequest], layout: SiteLayout) -> (found: [String: SecretSpec], problems: [String: String]) {
        var found: [String: SecretSpec] = [:]
        var problems: [String: String] = [:]
        for request in requests {
            let base = request.kind == .authority ? layout.inputIssuers : layout.inputCertificates
            let shown = request.kind == .authority ? "input/issuers" : "input/certs"
            guard let directory = try? layout.child(base, request.name) else { continue }
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory else { continue }
            var data: [String: Data] = [:]
            var missing: [String] = []
            for file in files {
                switch InputFile.read(file, in: directory, displayName: "\(shown)/\(request.name)/\(file)") {
                case .success(let bytes)?: data[file] = bytes
                case .failure(let error)?: problems[request.name] = "\(error)"
                case nil: missing.append(file)
                }
            }
            if problems[request.name] != nil { continue }
            guard missing.isEmpty else {
                problems[request.name] = "\(shown)/\(request.name) lacks \(missing.joined(separator: ", ")) (tls.crt, tls.key and ca.crt are required)"
                continue
            }
            found[request.name] = SecretSpec(data: data)
        }
        return (found, problems)
    }
}
