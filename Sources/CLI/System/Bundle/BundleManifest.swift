import Crypto
import Foundation

/// `skupper-bundle.json`, beside `install.sh` and the namespace's directory in a bundle: what it holds and each file's
/// SHA-256, so an installer refuses a bundle that was cut short or changed before anything is written.
struct BundleManifest: Codable, Equatable {
    /// The bundle format this command writes; a newer one is refused, not guessed at.
    static let currentFormat = 1
    static let fileName = "skupper-bundle.json"

    var format: Int
    var namespace: String
    var platform: String
    var site: String?
    var created: String
    /// Every file of the namespace's directory the bundle carries, by its path there (`input/resources/...`).
    var files: [String: String]
    /// The skupper-local package carried in `package/`, and its SHA-256, when asked for.
    var package: String?
    var packageDigest: String?

    static func digest(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
}
