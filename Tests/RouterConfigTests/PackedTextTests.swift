import RouterEntities
import TestSupport
import Testing

/// Packed text must read back byte for byte, whatever it holds and however well it packs.
@Suite("Packed text")
struct PackedTextTests {
    @Test func textsOfEveryShapeReadBackAsTheyWere() {
        var random = SplitMix64(seed: 7)
        let entity =
            "    [\n        \"tcpConnector\",\n        {\n            \"name\": \"connector/c1@10.0.0.2\",\n            \"port\": \"8080\"\n        }\n    ]"
        let noise = String(decoding: (0..<70_000).map { _ in UInt8(0x21 + random.next() % 90) }, as: UTF8.self)
        let texts = [
            "", "a", "ünïcødé ✓ 𝄞", String(repeating: entity + ",\n", count: 400), noise,
            String(repeating: "x", count: 1 << 20),
        ]
        for text in texts {
            let packed = PackedText(text)
            #expect(packed.count == text.utf8.count)
            #expect(packed.text == text)
            #expect(TextPiece.packed(packed).string == text)
            #expect(packed.withUTF8 { Array($0) } == Array(text.utf8))
        }
    }

    @Test func repeatedEntitiesTakeAFractionOfTheirSize() {
        let entity = "    [\n        \"tcpListener\",\n        {\n            \"name\": \"listener/l1\",\n            \"port\": \"9090\"\n        }\n    ]"
        let text = (0..<256).map { entity.replacingOccurrences(of: "l1", with: "l\($0)") }.joined(separator: ",\n")
        let packed = PackedText(text)
        #expect(packed.packedCount * 4 < text.utf8.count, "\(packed.packedCount) of \(text.utf8.count) bytes")
    }

    @Test func textThatDoesNotPackIsKeptAsItIs() {
        var random = SplitMix64(seed: 11)
        let bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) & 0x7f }
        let text = String(decoding: bytes, as: UTF8.self)
        let packed = PackedText(text)
        #expect(packed.packedCount <= text.utf8.count)
        #expect(packed.text == text)
    }
}
