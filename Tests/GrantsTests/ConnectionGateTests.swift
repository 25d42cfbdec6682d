import Testing

@testable import ServerLimits

/// The connection caps every listening service of the agent applies: in all, per address and per network.
@Suite("Connection gate: per address, per network, in all")
struct ConnectionGateTests {
    @Test func oneAddressFillsOnlyItsOwnShare() {
        let gate = ConnectionGate(caps: ConnectionCaps(total: 10, perAddress: 3, perNetwork: 5))
        let flooder = ClientAddress("192.0.2.7"), neighbour = ClientAddress("192.0.2.8"), other = ClientAddress("198.51.100.1")
        #expect((0..<100).filter { _ in gate.admit(flooder) }.count == 3)
        // Its network has room for two more, from other addresses only.
        #expect(gate.admit(neighbour) && gate.admit(neighbour))
        #expect(!gate.admit(neighbour), "the /24's share is full")
        #expect(gate.admit(other), "another network is not held up")
        #expect(gate.count == 6 && gate.count(from: "192.0.2.99") == (0, 5))
        gate.release(flooder)
        #expect(gate.admit(neighbour), "a place given back is taken again")
    }

    @Test func theTotalCapHoldsWhateverTheAddresses() {
        let gate = ConnectionGate(caps: ConnectionCaps(total: 4, perAddress: 4, perNetwork: 4))
        let admitted = (0..<10).filter { gate.admit(ClientAddress("2001:db8:\($0)::1")) }.count
        #expect(admitted == 4)
        for index in 0..<4 { gate.release(ClientAddress("2001:db8:\(index)::1")) }
        #expect(gate.count == 0 && gate.count(from: "2001:db8:0::1") == (0, 0), "nothing is kept once every connection closed")
    }

    @Test func capsStayConsistentAndTheBudgetKeepsAReserve() {
        let caps = ConnectionCaps(total: 0, perAddress: 99, perNetwork: 1)
        #expect(caps.total == 1 && caps.perAddress == 1 && caps.perNetwork == 1)
        let small = DescriptorBudget(limit: 1024)
        #expect(small.isLow && small.grantServer.total == 256 && small.metrics.total == 64)
        #expect(small.grantServer.total + small.metrics.total + small.reserve <= small.limit)
        let tiny = DescriptorBudget(limit: 300)
        #expect(tiny.grantServer.total + tiny.metrics.total + tiny.reserve <= tiny.limit, "\(tiny.grantServer) \(tiny.metrics)")
        #expect(!DescriptorBudget(limit: 16384).isLow)
    }
}
