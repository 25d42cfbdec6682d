import Resources
import Testing

/// A resource is a value though its fields live in a shared box: a changed copy never changes the original.
@Suite("Resource values")
struct ResourceValueTests {
    @Test func copiesChangeApart() throws {
        let original = Resource(metadata: ObjectMeta(name: "a"), spec: .listener(ListenerSpec(routingKey: "k", host: "0.0.0.0", port: 80)))
        var copy = original
        #expect(copy == original)
        copy.metadata.labels["team"] = "b"
        copy.spec = .listener(ListenerSpec(routingKey: "other", host: "0.0.0.0", port: 81))
        copy.source = SourceLocation(file: "f.yaml", document: 2)
        #expect(original.metadata.labels.isEmpty && original.listener?.routingKey == "k" && original.source == nil)
        #expect(copy.metadata.labels == ["team": "b"] && copy.listener?.port == 81 && copy != original)
        // Equality and hashing ignore where a resource was read.
        var moved = original
        moved.source = SourceLocation(file: "g.yaml", document: 1)
        #expect(moved == original && moved.hashValue == original.hashValue)
    }
}
