/// Where the console listens: `--console-address HOST:PORT`, `none` to turn it off, or by default loopback on the first
/// free port from 8010 on.
public struct ConsoleAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// How many ports after `port` may be tried when it is taken (only for the default).
    public var portSearch: Int

    public static let defaultPort = 8010
    public static let `default` = ConsoleAddress(host: "127.0.0.1", port: defaultPort, portSearch: 100)

    public init(host: String, port: Int, portSearch: Int = 0) {
        self.host = host
        self.port = port
        self.portSearch = portSearch
    }

    /// Parses `HOST:PORT` (`127.0.0.1:8010`, `[::1]:8010`, `0.0.0.0:8010`) or `none` (nil: no console).
    public static func parse(_ text: String) throws(ConsoleAddressError) -> ConsoleAddress? {
        if text == "none" { return nil }
        guard let colon = text.lastIndex(of: ":") else { throw ConsoleAddressError(text, "expected HOST:PORT or none") }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard host.contains(":") else { throw ConsoleAddressError(text, "brackets are for IPv6 addresses only") }
        } else if host.contains(":") {
            throw ConsoleAddressError(text, "an IPv6 address goes in brackets, as in [::1]:8010")
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:%_".contains($0)) }) else {
            throw ConsoleAddressError(text, "the host must be an address or a host name")
        }
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw ConsoleAddressError(text, "the port must be a number from 1 to 65535")
        }
        return ConsoleAddress(host: host, port: port)
    }

    /// Whether only this host can reach the address (a loopback address or `localhost`).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || (host.hasPrefix("127.") && host.split(separator: ".").count == 4)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A `--console-address` value that is neither `HOST:PORT` nor `none`.
public struct ConsoleAddressError: Error, CustomStringConvertible, Sendable {
    public var text: String
    public var reason: String

    init(_ text: String, _ reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "\"\(text)\" is not a valid address: \(reason) (e.g. 127.0.0.1:8010, or none)" }
}
