import Foundation

/// curl as a redeeming site's stand-in: POSTs a code to a grant URL from a chosen loopback address, on a thread of its
/// own (waiting for it on the cooperative pool would starve an in-process server of the threads it answers on).
public enum Curl {
    /// The HTTP status of the redemption (000 when none came back).
    public static func redemptionStatus(
        _ url: String, code: String, name: String = "link", from source: String = "127.0.0.1",
        caFile: URL
    ) async throws -> String {
        let arguments = [
            "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--interface", source,
            "--cacert", caFile.path, "-H", "name: \(name)", "-H", "subject: west", "--data-binary", code, url,
        ]
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run(arguments).output }) }.start()
        }
    }
}
