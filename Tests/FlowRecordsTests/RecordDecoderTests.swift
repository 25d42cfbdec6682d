import FlowRecords
import RouterManagement
import Testing

/// Records are input from the network: what a router sends is read, anything else is dropped with why.
@Suite struct RecordDecoderTests {
    let decoder = RecordDecoder()

    @Test func readsWhatARouterSendsThroughTheWireEncoding() throws {
        let body = Records.wholeSite("abcde", siteId: "7d5e0d8a-0000-4000-8000-000000000001", name: "west")
        let wire = try #require(AMQPValue.decode(body.encoded()))
        let decoded = decoder.decode(body: wire)
        #expect(decoded.problems.isEmpty)
        #expect(decoded.records.map(\.type) == [.site, .router, .routerAccess, .listener, .connector])
        let router = try #require(decoded.records.first { $0.type == .router })
        #expect(router.identity == "abcde:0" && router.parent == "7d5e0d8a-0000-4000-8000-000000000001" && router.mode == "interior")
        #expect(decoded.records.first { $0.type == .listener }?.address == "svc-west")
    }

    @Test func dropsRecordsThatAreNotARoutersAndSaysWhy() {
        let items: [AMQPValue] = [
            .string("not a map"),
            .map([.uint(1): .string("abcde:1")]),
            Records.record(0x7f, "abcde:2"),
            Records.record(0x02, "abcde:3", [30: .uint(5)]),
            Records.record(0x02, "abcde:4", [4: .string("yesterday")]),
            .map([.uint(0): .uint(0x02), .uint(1): .uint(5)]),
            Records.record(0x02, String(repeating: "x", count: 300) + ":1"),
            Records.record(0x02, "abcde:5", [30: .string(String(repeating: "n", count: 5_000))]),
            .map([.uint(0): .uint(0x02), .uint(1): .string("abcde:6"), .string("name"): .string("x")]),
            Records.record(0x06, "abcde:7"),
            Records.record(0x02, "abcde:8", [999: .list([])]),
        ]
        let decoded = decoder.decode(body: .list(items))
        #expect(decoded.records.map(\.identity) == ["abcde:8"], "an unknown attribute code is skipped, the record kept")
        #expect(decoded.skipped == 1, "a FLOW record (a kind not read here) is skipped quietly")
        #expect(decoded.problems.count == 9)
        let text = decoded.problems.map(\.description).joined(separator: "\n")
        for expected in ["not a map", "no record type", "unknown record type 127", "not text", "not a number", "no identity", "too long", "longer than"] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
        #expect(decoder.decode(body: .string("x")).problems.first?.description.contains("not a list") == true)
    }

    @Test func readsAtMostItsLimitOfRecordsFromOneMessage() {
        let many = AMQPValue.list((0..<5_000).map { Records.listener("abcde", $0 + 1, name: "l\($0)", address: "k") })
        let decoded = decoder.decode(body: many)
        #expect(decoded.records.count == 1_000)
        #expect(decoded.problems.count == 1)
    }

    @Test func deeplyNestedInputReadsWithoutExhaustingTheStack() {
        // list32 around list32 around ... a uint 0, built from the inside out.
        var bytes: [UInt8] = [0x43]
        for _ in 0..<10_000 {
            let size = UInt32(bytes.count + 4)
            bytes = [0xd0] + withUnsafeBytes(of: size.bigEndian, Array.init) + [0, 0, 0, 1] + bytes
        }
        let decoded = AMQPValue.decode(bytes)
        #expect(decoded != nil)
        #expect(decoder.decode(body: decoded ?? .null).records.isEmpty)
        #expect(AMQPValue.decode([0xd0, 0xff, 0xff]) == nil)
    }
}
