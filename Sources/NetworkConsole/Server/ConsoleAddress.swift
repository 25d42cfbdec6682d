import ServerLimits

/// Where the console listens: `--console-address HOST:PORT`, `none` to turn it off, or by default loopback on the first
/// free port from 8010 on.
public struct ConsoleAddress: Sendable, Hashable, CustomStringConvertible {
    public var address: ListenAddress
    /// How many ports after `port` may be tried when it is taken (only for the default).
    public var portSearch: Int

    public static let defaultPort = 8010
    public static let `default` = ConsoleAddress(host: "127.0.0.1", port: defaultPort, portSearch: 100)

    public init(host: String, port: Int, portSearch: Int = 0) {
        address = ListenAddress(host: host, port: port)
        self.portSearch = portSearch
    }

    /// Parses `HOST:PORT` (`127.0.0.1:8010`, `[::1]:8010`, `0.0.0.0:8010`) or `none` (nil: no console).
    public static func parse(_ text: String) throws(ListenAddressError) -> ConsoleAddress? {
        if text == "none" { return nil }
        let address = try ListenAddress(parsing: text, example: "127.0.0.1:8010, or none")
        return ConsoleAddress(host: address.host, port: address.port)
    }

    public var host: String { address.host }
    public var port: Int { address.port }
    public var isLoopback: Bool { address.isLoopback }
    public var description: String { address.description }
}
