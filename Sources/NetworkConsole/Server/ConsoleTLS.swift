import HostSupport
import NIOCore
import NIOSSL

/// The console over HTTPS (`--console-tls-dir`): the directory holds `tls.crt` and `tls.key` (a Kubernetes TLS
/// Secret's layout), and, when it holds `ca.crt` too, clients must present a certificate that CA issued (mutual TLS):
/// the console's other way to authenticate. (The fuzz build leaves this file out: it needs no NIOSSL.)
public struct ConsoleTLS: Sendable {
    let context: NIOSSLContext
    /// Whether clients are authenticated by their certificates.
    public let requiresClientCertificates: Bool

    /// Reads the directory; the error says which file is wrong and why.
    public static func load(directory: String) throws(ConsoleTLSError) -> ConsoleTLS {
        func read(_ name: String, secret: Bool = false) throws(ConsoleTLSError) -> [UInt8]? {
            let path = "\(directory)/\(name)"
            guard let bytes = FileBytes.read(path, limit: 1 << 20) else { return nil }
            if secret, FileMode.isShared(path) {
                throw ConsoleTLSError(directory, "\(name) may be read by others: make it owner-only (chmod 600)")
            }
            return bytes
        }
        guard let certificate = try read("tls.crt") else { throw ConsoleTLSError(directory, "no readable tls.crt") }
        guard let key = try read("tls.key", secret: true) else { throw ConsoleTLSError(directory, "no readable tls.key") }
        let authority = try read("ca.crt")
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(certificate)
            guard !chain.isEmpty else { throw ConsoleTLSError(directory, "tls.crt holds no certificate") }
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem)))
            configuration.minimumTLSVersion = .tlsv12
            if let authority {
                let roots = try NIOSSLCertificate.fromPEMBytes(authority)
                guard !roots.isEmpty else { throw ConsoleTLSError(directory, "ca.crt holds no certificate") }
                configuration.trustRoots = .certificates(roots)
                configuration.certificateVerification = .noHostnameVerification
            }
            return ConsoleTLS(context: try NIOSSLContext(configuration: configuration), requiresClientCertificates: authority != nil)
        } catch let error as ConsoleTLSError {
            throw error
        } catch {
            throw ConsoleTLSError(directory, "the certificate or key cannot be used: \(error)")
        }
    }

    /// The handler that makes a connection TLS.
    func handler() -> any ChannelHandler { NIOSSLServerHandler(context: context) }
}

/// A TLS directory that cannot be used.
public struct ConsoleTLSError: Error, CustomStringConvertible, Sendable {
    public var directory: String
    public var reason: String

    init(_ directory: String, _ reason: String) {
        self.directory = directory
        self.reason = reason
    }

    public var description: String { "--console-tls-dir \(directory): \(reason)" }
}
