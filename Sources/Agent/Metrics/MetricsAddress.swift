import ServerLimits

/// The `--metrics-address` value: a host (name, IPv4, or IPv6 in brackets) and a port.
public typealias MetricsAddress = ListenAddress

extension ListenAddress {
    /// Parses a `--metrics-address` value (`127.0.0.1:9464`, `[::1]:9464`); the error says what is wrong.
    public init(parsing text: String) throws(ListenAddressError) { try self.init(parsing: text, example: "127.0.0.1:9464") }
}
