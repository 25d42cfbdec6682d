/// The `--metrics-address` value: a host (name, IPv4, or IPv6 in brackets) and a port.
public struct MetricsAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// Parses `HOST:PORT` (`127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`); the error says what is wrong.
    public init(parsing text: String) throws(MetricsAddressError) {
        guard let colon = text.lastIndex(of: ":") else { throw MetricsAddressError(text, "expected HOST:PORT") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard host.contains(":") else { throw MetricsAddressError(text, "brackets are for IPv6 addresses only") }
        } else if host.contains(":") {
            throw MetricsAddressError(text, "an IPv6 address goes in brackets, as in [::1]:9464")
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:%_".contains($0)) }) else {
            throw MetricsAddressError(text, "the host must be an address or a host name")
        }
        guard let port = Int(portText), (1...65535).contains(port) else { throw MetricsAddressError(text, "the port must be a number from 1 to 65535") }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A `--metrics-address` value that is not `HOST:PORT`.
public struct MetricsAddressError: Error, CustomStringConvertible, Sendable {
    public var text: String
    public var reason: String

    init(_ text: String, _ reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "\"\(text)\" is not a valid address: \(reason) (e.g. 127.0.0.1:9464)" }
}
