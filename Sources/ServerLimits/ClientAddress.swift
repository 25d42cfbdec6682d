#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A client's address as the limits count it (connections, refused redemptions): the address in canonical form and the network it
/// belongs to (/24 for IPv4, /64 for IPv6; an IPv4-mapped IPv6 address counts as the IPv4 address it maps).
public struct ClientAddress: Sendable, Hashable, CustomStringConvertible {
    /// The canonical address, or the text as given (at most 64 characters) when it is not an IP address.
    public let address: String
    /// The address's network, such as `192.0.2.0/24` or `2001:db8:0:1::/64`; nil when it is not an IP address.
    public let network: String?

    /// Parses a textual IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is ignored).
    public init(_ text: String) {
        guard !text.utf8.contains(0) else {
            address = String(text.prefix(64))
            network = nil
            return
        }
        if let octets = Self.ipv4(text) {
            (address, network) = Self.describe(ipv4: octets)
            return
        }
        let unzoned = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        guard let bytes = Self.ipv6(unzoned) else {
            address = String(text.prefix(64))
            network = nil
            return
        }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            (address, network) = Self.describe(ipv4: Array(bytes[12..<16]))
            return
        }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        address = Self.canonicalIPv6(groups)
        network = Self.canonicalIPv6(Array(groups[0..<4]) + [0, 0, 0, 0]) + "/64"
    }

    public var description: String { address }

    static func describe(ipv4 octets: [UInt8]) -> (String, String) {
        let address = octets.map(String.init).joined(separator: ".")
        return (address, octets[0..<3].map(String.init).joined(separator: ".") + ".0/24")
    }

    /// RFC 5952 text: lowercase, leading zeros dropped, the longest run of two or more zero groups as `::`.
    static func canonicalIPv6(_ groups: [UInt16]) -> String {
        var bestStart = -1, bestLength = 0, index = 0
        while index < groups.count {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < groups.count && groups[index] == 0 { index += 1 }
            if index - start > bestLength { (bestStart, bestLength) = (start, index - start) }
        }
        let text = groups.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return text.joined(separator: ":") }
        let head = text[..<bestStart].joined(separator: ":")
        let tail = text[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        var storage = in_addr()
        guard text.utf8.count <= 15, inet_pton(AF_INET, text, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        var storage = in6_addr()
        guard text.utf8.count <= 45, inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }
}
