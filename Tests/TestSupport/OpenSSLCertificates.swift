import Foundation

/// Certificates made and read with the `openssl` command, as a user (or a peer) would: for tests and benchmarks that
/// replace a site's certificates and check what a TLS port serves.
public enum OpenSSLCertificates {
    /// Issues a certificate from the CA in `authority` (its `tls.crt` and `tls.key`) with the subject alternative names
    /// of the certificate `like` (if it has any), into `directory` (`tls.crt`, `tls.key`, `ca.crt`); returns its serial.
    public static func issue(into directory: URL, authority: URL, like: URL, commonName: String, days: Int) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sans = try run(["openssl", "x509", "-in", like.path, "-noout", "-ext", "subjectAltName"]).output
            .split(separator: "\n").dropFirst().joined().replacingOccurrences(of: "IP Address:", with: "IP:")
            .replacingOccurrences(of: " ", with: "")
        let scratch = try ScratchDirectory()
        let key = directory.appendingPathComponent("tls.key")
        let csr = URL(fileURLWithPath: scratch.path("req.csr")), extensions = URL(fileURLWithPath: scratch.path("ext.cnf"))
        let alternativeNames = sans.isEmpty ? "" : "subjectAltName=\(sans)\n"
        try "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n\(alternativeNames)".write(to: extensions, atomically: true, encoding: .utf8)
        let request = try run([
            "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-subj", "/CN=\(commonName)", "-out", csr.path,
        ])
        guard request.status == 0 else { throw TestFailure("openssl req: \(request.output)") }
        let signed = try run([
            "openssl", "x509", "-req", "-in", csr.path, "-CA", authority.appendingPathComponent("tls.crt").path,
            "-CAkey", authority.appendingPathComponent("tls.key").path, "-set_serial", "\(Int.random(in: 100_000...999_999_999))",
            "-extfile", extensions.path, "-out", directory.appendingPathComponent("tls.crt").path, "-days", "\(days)",
        ])
        guard signed.status == 0 else { throw TestFailure("openssl x509 (subjectAltName=\(sans)): \(signed.output)") }
        try FileManager.default.copyItem(at: authority.appendingPathComponent("tls.crt"), to: directory.appendingPathComponent("ca.crt"))
        return try serial(of: directory.appendingPathComponent("tls.crt")) ?? ""
    }

    /// The serial of a PEM certificate file.
    public static func serial(of file: URL) throws -> String? {
        serial(in: try run(["openssl", "x509", "-in", file.path, "-noout", "-serial"]).output)
    }

    /// The serial in `openssl x509 -serial`'s output.
    static func serial(in output: String) -> String? {
        let line = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return line.hasPrefix("serial=") ? String(line.dropFirst("serial=".count)) : nil
    }

    /// The serial of the certificate served on 127.0.0.1:`port`, as `openssl s_client` sees it, presenting the client
    /// certificate and key given.
    public static func servedSerial(port: Int, certificate: URL, key: URL) -> String? {
        let command =
            "openssl s_client -connect 127.0.0.1:\(port) -cert '\(certificate.path)' -key '\(key.path)' </dev/null 2>/dev/null"
            + " | openssl x509 -noout -serial"
        guard let result = try? run(["sh", "-c", command]), result.status == 0 else { return nil }
        return serial(in: result.output)
    }
}
