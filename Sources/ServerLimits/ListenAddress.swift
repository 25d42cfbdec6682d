/// A `HOST:PORT` a listening service is told to bind (`--metrics-address`, `--console-address`): a host name, an IPv4
/// address, or an IPv6 address in brackets, and a port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` (`127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`); the error says what is wrong and gives
    /// `example` as an address that works.
    public init(parsing text: String, example: String) throws(ListenAddressError) {
        guard let colon = text.lastIndex(of: ":") else { throw ListenAddressError(text, "expected HOST:PORT", example: example) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard host.contains(":") else { throw ListenAddressError(text, "brackets are for IPv6 addresses only", example: example) }
        } else if host.contains(":") {
            throw ListenAddressError(text, "an IPv6 address goes in brackets, as in [::1]:\(text[text.index(after: colon)...])", example: example)
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:%_".contains($0)) }) else {
            throw ListenAddressError(text, "the host must be an address or a host name", example: example)
        }
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw ListenAddressError(text, "the port must be a number from 1 to 65535", example: example)
        }
        self.host = host
        self.port = port
    }

    /// Whether only this host can reach the address (a loopback address or `localhost`).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || (host.hasPrefix("127.") && host.split(separator: ".").count == 4)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A listening address that is not `HOST:PORT`.
public struct ListenAddressError: Error, CustomStringConvertible, Sendable {
    public var text: String
    public var reason: String
    public var example: String

    init(_ text: String, _ reason: String, example: String) {
        self.text = text
        self.reason = reason
        self.example = example
    }

    public var description: String { "\"\(text)\" is not a valid address: \(reason) (e.g. \(example))" }
}
