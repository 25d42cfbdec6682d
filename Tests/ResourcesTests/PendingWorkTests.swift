import Foundation
import SiteFiles
import Testing

/// Work started beside its owner must give its result to every wait, the first one waiting for it to end.
@Suite("Pending work")
struct PendingWorkTests {
    @Test func everyWaitGetsTheResult() {
        let started = Offload.Pending(name: "test") { () -> Int in
            usleep(50_000)
            return 42
        }
        #expect(started.wait() == 42)
        #expect(started.wait() == 42)
    }
}
