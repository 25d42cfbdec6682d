import Foundation
import Logging
import RouterManagement
import Testing

@testable import Agent

/// Once the local router answers, the management stage reads the routers it reaches from its address table, once:
/// that read's answer brings the stage back at once, and a stage that read again at each answer kept a rejoining
/// site's agent (a third of a core) and its router (more than half) busy for good.
@Suite struct NetworkDiscoveryTests {
    @Test func theAddressTableIsReadOnceAfterTheRouterAnswers() async {
        var stage = ManagementStage(logger: Logger(label: "test"))
        // Nothing listens there: the stage's client never connects, and nothing here needs it to.
        let endpoint = ManagementEndpoint(port: 1, certificateFile: "/nonexistent", keyFile: "/nonexistent", caFile: "/nonexistent")
        stage.connect(to: endpoint, siteId: "6b0c5a3e-0001-4d1e-9f2a-5eed00000001")
        let now = Date()
        // The first poll and the wait for the network's records.
        #expect(stage.work(now: now).count == 2)
        _ = stage.received(.observed(RouterObservation(), .all))
        // The router answered: its address table is read.
        #expect(stage.work(now: now).count == 1)
        _ = stage.received(.discovered)
        // And not again until a connection is made or the router starts afresh.
        for _ in 0..<3 {
            #expect(stage.work(now: now).isEmpty)
            _ = stage.received(.discovered)
        }
        stage.close()
    }
}
