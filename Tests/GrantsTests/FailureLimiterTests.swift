import Foundation
import Grants
import ServerLimits
import Testing

@Suite("Failure limiter: addresses, networks and memory")
struct FailureLimiterTests {
    @Test(arguments: [
        ("192.0.2.33", "192.0.2.33", "192.0.2.0/24"),
        ("10.1.2.255", "10.1.2.255", "10.1.2.0/24"),
        ("0.0.0.0", "0.0.0.0", "0.0.0.0/24"),
        ("127.0.0.1", "127.0.0.1", "127.0.0.0/24"),
    ])
    func ipv4AddressesCountInTheirSlash24(input: String, address: String, network: String) {
        let client = ClientAddress(input)
        #expect(client.address == address)
        #expect(client.network == network)
    }

    @Test(arguments: [
        ("2001:db8:0:1:2:3:4:5", "2001:db8:0:1:2:3:4:5", "2001:db8:0:1::/64"),
        ("2001:DB8::1", "2001:db8::1", "2001:db8::/64"),
        ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1", "2001:db8::/64"),
        ("fe80::1%eth0", "fe80::1", "fe80::/64"),
        ("::1", "::1", "::/64"),
        ("::", "::", "::/64"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff::/64"),
        ("1:0:0:1:0:0:0:1", "1:0:0:1::1", "1:0:0:1::/64"),
    ])
    func ipv6AddressesCountInTheirSlash64(input: String, address: String, network: String) {
        let client = ClientAddress(input)
        #expect(client.address == address)
        #expect(client.network == network)
    }

    @Test(arguments: ["::ffff:192.0.2.7", "::FFFF:192.0.2.7", "::ffff:c000:207", "0:0:0:0:0:ffff:192.0.2.7"])
    func ipv4MappedAddressesCountAsIPv4(input: String) {
        let client = ClientAddress(input)
        #expect(client.address == "192.0.2.7")
        #expect(client.network == "192.0.2.0/24")
    }

    @Test(arguments: [
        "", "unknown", "1.2.3", "256.1.1.1", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4\u{0}", "::1::2", "::ffff:1.2.3",
        "2001:db8::g", "1:2:3:4:5:6:7:8:9", "%eth0", "[::1]", "localhost", String(repeating: "7", count: 1000),
    ])
    func garbageHasNoNetworkAndABoundedKey(input: String) {
        let client = ClientAddress(input)
        #expect(client.network == nil)
        #expect(client.address == String(input.prefix(64)))
    }

    @Test func theAddressLimitComesFirstThenTheNetworkLimit() {
        let limiter = FailureLimiter(limit: 2, networkLimit: 5, window: 60)
        let now = Date()
        limiter.recordFailure("10.0.0.1", now: now)
        limiter.recordFailure("10.0.0.1", now: now)
        #expect(!limiter.allows("10.0.0.1", now: now))
        #expect(limiter.allows("10.0.0.2", now: now))
        for host in 2...4 { limiter.recordFailure("10.0.0.\(host)", now: now) }
        // Five refusals in 10.0.0.0/24: every address in it waits, other networks do not.
        #expect(!limiter.allows("10.0.0.200", now: now))
        #expect(!limiter.allows("::ffff:10.0.0.99", now: now))
        #expect(limiter.allows("10.0.1.1", now: now))
        #expect(limiter.allows("10.0.0.200", now: now + 61))
    }

    @Test func mappedAndPlainIPv4ShareTheirCounts() {
        let limiter = FailureLimiter(limit: 2, networkLimit: 10, window: 60)
        limiter.recordFailure("::ffff:192.0.2.1")
        limiter.recordFailure("192.0.2.1")
        #expect(!limiter.allows("192.0.2.1"))
        #expect(!limiter.allows("::ffff:192.0.2.1"))
    }

    @Test func ipv6NetworksAreSlash64() {
        let limiter = FailureLimiter(limit: 10, networkLimit: 3, window: 60)
        for host in ["2001:db8::1", "2001:db8::2", "2001:db8::ffff:1"] { limiter.recordFailure(host) }
        #expect(!limiter.allows("2001:db8::abcd"))
        #expect(limiter.allows("2001:db8:0:1::1"))
    }

    @Test func admitCountsUpFrontAndForgiveGivesItBack() {
        let limiter = FailureLimiter(limit: 2, window: 60)
        #expect(limiter.networkLimit == 10)
        #expect(limiter.admit("192.0.2.1"))
        #expect(limiter.admit("192.0.2.1"))
        #expect(!limiter.admit("192.0.2.1"))
        limiter.forgive("192.0.2.1")
        #expect(limiter.admit("192.0.2.1"))
    }

    @Test func memoryStaysBoundedUnderAFloodOfNetworks() {
        let limiter = FailureLimiter(limit: 10, window: 60, capacity: 100)
        let now = Date()
        for index in 0..<5000 {
            limiter.recordFailure("2001:db8:\(String(index, radix: 16))::1", now: now + Double(index) / 1000)
            limiter.recordFailure("garbage-\(index)", now: now + Double(index) / 1000)
        }
        let tracked = limiter.trackedCount
        #expect(tracked.addresses <= 100 && tracked.networks <= 100)
        // The latest offenders are the ones still remembered: one refusal plus nine reaches the limit of ten.
        for _ in 0..<9 { limiter.recordFailure("2001:db8:1387::1", now: now + 5) }
        #expect(!limiter.allows("2001:db8:1387::1", now: now + 5))
    }
}
