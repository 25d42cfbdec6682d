import ArgumentParser
import Foundation

/// Checks of the names and hosts commands take, with Skupper v2's messages.
public enum Names {
    /// Throws unless `name` is a lowercase RFC 1123 label; `what` names it in the message ("site name").
    public static func validate(_ name: String, _ what: String) throws {
        guard !name.isEmpty else { throw ValidationError("\(what) must not be empty") }
        guard isLabel(name) else {
            throw ValidationError("\(what) is not valid: value does not match this regular expression: ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        }
    }

    /// Whether `name` matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`.
    public static func isLabel(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard let first = name.first, let last = name.last, name.allSatisfy(allowed.contains) else { return false }
        return first != "-" && last != "-"
    }

    /// Throws unless `host` is an IP address or a host name.
    public static func validateHost(_ host: String) throws {
        let isName = host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } && part.first != "-" && part.last != "-"
        }
        let isIPv6 = host.contains(":") && host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        guard isName || isIPv6 else { throw ValidationError("host is not valid: a valid IP address or hostname is expected") }
    }

    /// Throws unless `port` is 1...65535.
    public static func validatePort(_ port: Int, _ what: String) throws {
        guard (1...65535).contains(port) else { throw ValidationError("\(what) is not valid: \(port) is not in the range 1 to 65535") }
    }
}
