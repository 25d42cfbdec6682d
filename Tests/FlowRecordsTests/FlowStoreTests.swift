import FlowRecords
import RouterManagement
import Testing

/// The store takes a source's word only for what it may describe, and within bounds.
@Suite struct FlowStoreTests {
    let decoder = RecordDecoder()

    func records(_ body: AMQPValue) -> [FlowRecord] { decoder.decode(body: body).records }

    @Test func aSourceDescribesOnlyItsOwnRecordsAndOneSiteIdHasOneOwner() {
        var store = FlowStore()
        let west = records(Records.wholeSite("aaaaa", siteId: "site-west", name: "west"))
        #expect(store.apply(west, from: "aaaaa", isKnownSource: { _ in true }).problems.isEmpty)
        // Another source claims West's router (refused) and West's site (held, not taken while West is there).
        let hostile = records(.list([Records.site("site-west", name: "impostor"), Records.router("aaaaa", site: "site-west", name: "impostor")]))
        let applied = store.apply(hostile, from: "bbbbb", isKnownSource: { _ in true })
        #expect(applied.problems.count == 1 && !applied.changed)
        #expect(store.records["site-west"]?.name == "west-1700000000-1")
        // Only a SITE may have an identity of its own.
        #expect(store.apply(records(.list([Records.record(0x02, "free-form")])), from: "bbbbb", isKnownSource: { _ in true }).problems.count == 1)
        // A record may not change its kind.
        #expect(store.apply(records(.list([Records.record(0x05, "aaaaa:1")])), from: "aaaaa", isKnownSource: { _ in true }).problems.count == 1)
        // West's router restarted as a new source (the same site): once the old one is gone, the new one's word stands.
        _ = store.apply(records(.list([Records.site("site-west", name: "west-restarted")])), from: "ccccc", isKnownSource: { _ in true })
        let purged = store.purge(source: "aaaaa")
        #expect(purged && store.records["site-west"] != nil && store.records["aaaaa:0"] == nil)
        #expect(store.sources(ofSite: "site-west").isEmpty)
    }

    @Test func updatesMergeEndedRecordsGoAndAPurgeForgetsASource() {
        var store = FlowStore()
        _ = store.apply(records(Records.wholeSite("aaaaa", siteId: "s1", name: "west")), from: "aaaaa", isKnownSource: { _ in true })
        let link = records(.list([Records.link("aaaaa", 9, name: "to-east", peer: "ccccc:1", up: true)]))
        let first = store.apply(link, from: "aaaaa", isKnownSource: { $0 == "aaaaa" })
        #expect(first.referencedSources == ["ccccc"], "a LINK's peer names a source worth following")
        // A later message carries only what changed.
        let down = store.apply(records(.list([Records.record(0x02, "aaaaa:9", [53: .string("down")])])), from: "aaaaa", isKnownSource: { _ in true })
        #expect(down.connectionLost && store.records["aaaaa:9"]?.name == "to-east" && store.records["aaaaa:9"]?.operStatus == "down")
        let ended = store.apply(
            records(.list([Records.record(0x02, "aaaaa:9", [4: .uint(1_700_000_000_000_000)])])), from: "aaaaa", isKnownSource: { _ in true })
        #expect(ended.changed && store.records["aaaaa:9"] == nil)
        let purged = store.purge(source: "aaaaa")
        #expect(purged)
        #expect(store.records.isEmpty)
    }

    @Test func aMillionRecordsStayWithinTheBounds() {
        var store = FlowStore()
        store.limits.recordsPerSource = 5_000
        store.limits.records = 8_000
        for source in ["aaaaa", "bbbbb"] {
            for batch in 0..<20 {
                let body = AMQPValue.list((0..<500).map { Records.listener(source, batch * 500 + $0 + 1, name: "l", address: "k") })
                _ = store.apply(records(body), from: source, isKnownSource: { _ in true })
            }
        }
        #expect(store.count(of: "aaaaa") == 5_000)
        #expect(store.records.count == 8_000)
    }

    @Test func parentsThatLoopOrPointNowhereMakeNoSiteAndNoHang() {
        var store = FlowStore()
        let loop = records(
            .list([
                Records.record(0x01, "aaaaa:0", [2: .string("aaaaa:0")]), Records.record(0x02, "aaaaa:1", [2: .string("aaaaa:1"), 30: .string("l")]),
                Records.record(0x00, "s1", [2: .string("aaaaa:1")]), Records.record(0x04, "aaaaa:2", [2: .string("nowhere")]),
            ]))
        _ = store.apply(loop, from: "aaaaa", isKnownSource: { _ in true })
        let view = NetworkView(records: store.records, ownSiteId: "s1")
        #expect(view.sites.map(\.siteId) == ["s1"])
        #expect(view.sites[0].links.isEmpty && view.sites[0].services.isEmpty)
    }
}
