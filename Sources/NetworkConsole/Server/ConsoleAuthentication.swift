import HostSupport
import TextSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Who may read the console: anyone who reaches it (loopback only), or a user and password from a file the site's
/// owner wrote (`--console-password-file`, one `user:password` line, owner-only), checked in constant time.
public struct ConsoleAuthentication: Sendable {
    let user: [UInt8]
    let password: [UInt8]

    /// Reads the password file; the error says what is wrong with it.
    public static func load(passwordFile path: String) throws(ConsoleAuthenticationError) -> ConsoleAuthentication {
        guard let mode = FileMode.permissions(path) else {
            throw ConsoleAuthenticationError(path, "cannot read it: \(String(cString: strerror(errno)))")
        }
        guard mode & 0o077 == 0 else {
            throw ConsoleAuthenticationError(path, "it may be read by others (mode \(String(mode & 0o777, radix: 8))): make it owner-only (chmod 600)")
        }
        guard let bytes = FileBytes.read(path, limit: 4096) else {
            throw ConsoleAuthenticationError(path, "cannot read it (or it is larger than 4 KiB)")
        }
        let line = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex, line.index(after: colon) != line.endIndex else {
            throw ConsoleAuthenticationError(path, "expected one line user:password")
        }
        return ConsoleAuthentication(user: Array(line[..<colon].utf8), password: Array(line[line.index(after: colon)...].utf8))
    }

    /// Whether an `Authorization` header carries this user and password (HTTP Basic).
    func admits(authorization: String?) -> Bool {
        guard let authorization, authorization.count < 1024, authorization.lowercased().hasPrefix("basic ") else { return false }
        guard let decoded = Base64.decode(String(authorization.dropFirst(6)).trimmingWhitespace()) else { return false }
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let userMatches = Self.constantTimeEqual(Array(decoded[..<colon]), user)
        let passwordMatches = Self.constantTimeEqual(Array(decoded[(colon + 1)...]), password)
        return userMatches && passwordMatches
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

/// A password file that cannot be used.
public struct ConsoleAuthenticationError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "--console-password-file \(path): \(reason)" }
}

/// Standard base64 (RFC 4648), decoding only: the `Authorization` header's credentials.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            guard padding == 0 else { return nil }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return padding <= 2 ? out : nil
    }
}
