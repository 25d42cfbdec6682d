import FlowRecords
import Logging
import RouterManagement
import Testing

/// The collector's protocol with the routers: beacons, subscriptions, FLUSH on first word, silence, and input that
/// is not what a router sends.
@Suite struct FlowCollectorTests {
    let start = ContinuousClock.now

    func collector(ownSiteId: String? = nil, _ change: (inout FlowCollector.Settings) -> Void = { _ in }) -> FlowCollector {
        var settings = FlowCollector.Settings()
        change(&settings)
        return FlowCollector(ownSiteId: ownSiteId, settings: settings, logger: Logger(label: "test"))
    }

    /// The FLUSHes among commands.
    func flushes(_ commands: [FlowCommand]) -> [FlowCommand] { commands.filter { if case .flush = $0 { true } else { false } } }

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }

    /// The unsubscriptions among commands (FLUSHes go on until a source's ROUTER record came).
    func unsubscribes(_ commands: [FlowCommand]) -> [FlowCommand] { commands.filter { if case .unsubscribe = $0 { true } else { false } } }

    @Test func aBeaconIsFollowedFlushedOnFirstWordAndForgottenAfterThreeSilentHeartbeats() async {
        let collector = collector()
        #expect(collector.received(Records.beacon("abcde:0"), now: at(0)) == [.subscribe("mc/sfe.abcde:0")])
        #expect(collector.received(Records.beacon("abcde:0"), now: at(0.1)).isEmpty, "followed once")
        #expect(collector.received(Records.heartbeat("abcde:0"), now: at(1)) == [.flush("sfe.abcde:0")])
        #expect(collector.received(Records.heartbeat("abcde:0"), now: at(3)).isEmpty, "flushed once")
        let seen = collector.version
        _ = collector.received(Records.records("abcde:0", Records.wholeSite("abcde", siteId: "s1", name: "west")), now: at(3.5))
        #expect(await collector.nextChange(after: seen) != seen)
        #expect(collector.records.count == 5)
        #expect(collector.tick(now: at(8)).isEmpty, "heard 4.5 s ago: still there; its ROUTER record came: no more FLUSH")
        #expect(collector.tick(now: at(9.6)) == [.unsubscribe("mc/sfe.abcde:0")])
        #expect(collector.records.isEmpty && collector.sourceCount == 0)
    }

    @Test func whileAConnectionWasJustLostASilentSourceGoesSooner() {
        let collector = collector()
        for id in ["aaaaa:0", "bbbbb:0"] {
            _ = collector.received(Records.beacon(id), now: at(0))
            _ = collector.received(Records.heartbeat(id), now: at(0))
        }
        _ = collector.received(
            Records.records("aaaaa:0", .list([Records.link("aaaaa", 5, name: "to-b", peer: "bbbbb:1", up: true)])), now: at(0.5))
        // B stops; A's link to it goes down: B is suspect, gone once silent for more than 2.6 s.
        _ = collector.received(Records.records("aaaaa:0", .list([Records.record(0x02, "aaaaa:5", [53: .string("down")])])), now: at(1))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(2))
        #expect(unsubscribes(collector.tick(now: at(2.7))) == [.unsubscribe("mc/sfe.bbbbb:0")])
        #expect(collector.sourceCount == 1)
    }

    @Test func aLinksPeerIsFollowedOnAGuessKeptOnlyIfItAnswers() {
        let collector = collector()
        _ = collector.received(Records.beacon("aaaaa:0"), now: at(0))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(0))
        let commands = collector.received(
            Records.records("aaaaa:0", .list([Records.link("aaaaa", 5, name: "to-c", peer: "ccccc:7", up: true)])), now: at(0.5))
        #expect(commands == [.subscribe("mc/sfe.ccccc:0")])
        #expect(collector.sourceCount == 1, "not confirmed yet")
        #expect(collector.tick(now: at(0.9)).contains(.flush("sfe.ccccc:0")), "asked for everything once the subscription spread")
        #expect(collector.received(Records.heartbeat("ccccc:0"), now: at(1)) == [.flush("sfe.ccccc:0")])
        #expect(collector.sourceCount == 2)
        // A guess nobody answers is dropped.
        _ = collector.received(Records.records("aaaaa:0", .list([Records.link("aaaaa", 6, name: "to-d", peer: "ddddd:3", up: true)])), now: at(1))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(12))
        _ = collector.received(Records.heartbeat("ccccc:0"), now: at(12))
        #expect(unsubscribes(collector.tick(now: at(13.5))) == [.unsubscribe("mc/sfe.ddddd:0")])
    }

    @Test func beaconsThatAreNotARoutersAreNotFollowed() {
        let collector = collector()
        var hostile = Records.beacon("abcde:0")
        hostile.applicationProperties = .map([
            .symbol("sourceType"): .string("ROUTER"), .symbol("id"): .string("abcde:0"), .symbol("address"): .string("mc/anything"),
            .symbol("direct"): .string("sfe.abcde:0"),
        ])
        #expect(collector.received(hostile, now: at(0)).isEmpty)
        var controller = Records.beacon("fghij:0")
        controller.applicationProperties = .map([.symbol("sourceType"): .string("CONTROLLER")])
        #expect(collector.received(controller, now: at(0)).isEmpty)
        #expect(collector.received(Records.beacon("../../x:0"), now: at(0)).isEmpty)
        #expect(collector.received(Records.beacon("Bm67+:0"), now: at(0)).first == .subscribe("mc/sfe.Bm67+:0"), "a router's ids may hold + and _")
        // Records on an address nobody subscribed to are not taken.
        _ = collector.received(Records.records("zzzzz:0", Records.wholeSite("zzzzz", siteId: "s9", name: "z")), now: at(0))
        #expect(collector.records.isEmpty)
    }

    @Test func aBoundedNumberOfSourcesIsFollowed() {
        let collector = collector { $0.maximumSources = 10 }
        var subscribed = 0
        for index in 0..<1_000 {
            subscribed += collector.received(Records.beacon("s\(index):0"), now: at(0)).filter { if case .subscribe = $0 { true } else { false } }.count
        }
        #expect(subscribed == 10)
    }

    @Test func aReconnectFollowsEverySourceAgainAndFlushesItAnew() {
        let collector = collector()
        _ = collector.received(Records.beacon("aaaaa:0"), now: at(0))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(0))
        #expect(collector.connectionOpened(now: at(1)) == [.subscribe("mc/sfe.aaaaa:0")])
        #expect(collector.received(Records.heartbeat("aaaaa:0"), now: at(2)) == [.flush("sfe.aaaaa:0")])
    }

    @Test func thisSitesRouterIsAskedToResendOnceItsRecordsSettleAndAgainLater() {
        let collector = collector(ownSiteId: "s1") { $0.republishJitter = .zero }
        _ = collector.received(Records.beacon("aaaaa:0"), now: at(0))
        _ = collector.received(Records.beacon("bbbbb:0"), now: at(0))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(0))
        _ = collector.received(Records.heartbeat("bbbbb:0"), now: at(0))
        _ = collector.received(Records.records("aaaaa:0", Records.wholeSite("aaaaa", siteId: "s1", name: "own")), now: at(0.5))
        _ = collector.received(Records.records("bbbbb:0", Records.wholeSite("bbbbb", siteId: "s2", name: "other")), now: at(0.5))
        // Its records go on changing: the resend waits until they were quiet for 2 s.
        _ = collector.received(Records.records("aaaaa:0", .list([Records.listener("aaaaa", 20, name: "l20", address: "k20")])), now: at(2))
        #expect(flushes(collector.tick(now: at(3))).isEmpty)
        #expect(flushes(collector.tick(now: at(4.1))) == [.flush("sfe.aaaaa:0")], "this site's router, not another's")
        #expect(flushes(collector.tick(now: at(5))).isEmpty)
        for second in stride(from: 6.0, through: 60, by: 2) {
            _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(second))
            if second == 18 { #expect(flushes(collector.tick(now: at(19.2))) == [.flush("sfe.aaaaa:0")], "once more, 15 s later") }
            if second == 38 { #expect(flushes(collector.tick(now: at(39))).isEmpty, "nothing changed since") }
        }
        // Its answer changes nothing here, so it asks for nothing more; a counter moving is no change either.
        _ = collector.received(Records.records("aaaaa:0", Records.wholeSite("aaaaa", siteId: "s1", name: "own")), now: at(41))
        _ = collector.received(Records.records("aaaaa:0", .list([Records.record(0x04, "aaaaa:2", [23: .uint(7)])])), now: at(41))
        #expect(flushes(collector.tick(now: at(60))).isEmpty)
    }

    @Test func recordsAFullResendLeavesOutAreForgottenAtItsSecondHeartbeat() {
        let collector = collector()
        _ = collector.received(Records.beacon("aaaaa:0"), now: at(0))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(0))
        _ = collector.received(Records.records("aaaaa:0", Records.wholeSite("aaaaa", siteId: "s1", name: "west")), now: at(0.5))
        _ = collector.received(
            Records.records(
                "aaaaa:0", .list([Records.listener("aaaaa", 20, name: "gone", address: "k"), Records.connector("aaaaa", 21, address: "k", host: "h")])),
            now: at(1))
        #expect(collector.records.count == 7)
        // Their ENDs never came here. A resend (whoever's FLUSH asked for it) describes all but them, in two messages.
        let all = Records.wholeSite("aaaaa", siteId: "s1", name: "west")
        guard case .list(let items) = all else { return }
        _ = collector.received(Records.records("aaaaa:0", .list(Array(items.prefix(2)))), now: at(5))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(5.2))
        #expect(collector.records.count == 7, "one heartbeat: the resend may still be coming")
        _ = collector.received(Records.records("aaaaa:0", .list(Array(items.dropFirst(2)))), now: at(5.4))
        // Records made during the resend are not its to judge.
        _ = collector.received(Records.records("aaaaa:0", .list([Records.listener("aaaaa", 30, name: "new", address: "k2")])), now: at(5.5))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(7.2))
        #expect(collector.records["aaaaa:20"] == nil && collector.records["aaaaa:21"] == nil)
        #expect(collector.records["aaaaa:30"] != nil && collector.records["aaaaa:2"] != nil && collector.records.count == 6)
        // An update of the ROUTER record without its parent is not a resend.
        _ = collector.received(Records.records("aaaaa:0", .list([Records.listener("aaaaa", 40, name: "kept", address: "k3")])), now: at(8))
        _ = collector.received(Records.records("aaaaa:0", .list([Records.record(0x01, "aaaaa:0", [32: .string("3.5.2")])])), now: at(9))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(9.2))
        _ = collector.received(Records.heartbeat("aaaaa:0"), now: at(11.2))
        #expect(collector.records["aaaaa:40"] != nil)
    }

    @Test func addressTableKeysNameSources() {
        #expect(FlowCollector.sourceId(inAddressKey: "Msfe.abcde:0") == "abcde:0")
        #expect(FlowCollector.sourceId(inAddressKey: "M0sfe.abcde:0") == "abcde:0")
        #expect(FlowCollector.sourceId(inAddressKey: "Mmc/sfe.abcde:0") == nil)
        #expect(FlowCollector.sourceId(inAddressKey: "Msfe.all") == nil)
        #expect(FlowCollector.sourceId(inAddressKey: "Rabcde") == nil)
    }
}
