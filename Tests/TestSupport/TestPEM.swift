import Foundation

/// PEM blocks of the right shape and no real contents (an empty DER SEQUENCE), for tests whose Secrets are read but
/// whose certificates are never used: the loader refuses TLS files that are not PEM at all.
public enum TestPEM {
    public static let certificate = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
    public static let key = "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n"

    /// `text` in base64, as a Secret's `data` holds it.
    public static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// A flow mapping of a Secret's three TLS files, for `data:`.
    public static var dataFlow: String {
        "{ca.crt: \(base64(certificate)), tls.crt: \(base64(certificate)), tls.key: \(base64(key))}"
    }
}
