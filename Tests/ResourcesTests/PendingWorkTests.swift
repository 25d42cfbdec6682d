import Foundation
import HostSupport
import Synchronization
import Testing

/// Work started beside its owner must give its result to every wait, the first one waiting for it to end; and the
/// bounded pool must never leave a map waiting for threads it cannot give.
@Suite("Pending work and the blocking pool")
struct PendingWorkTests {
    @Test func everyWaitGetsTheResult() {
        let started = Offload.Pending { () -> Int in
            usleep(50_000)
            return 42
        }
        #expect(started.wait() == 42)
        #expect(started.wait() == 42)
    }

    /// Every pool thread runs a map at once (as parallel reads would): each map ends, its caller doing the work no
    /// free thread took.
    @Test func mapsOnEveryPoolThreadAtOnceAllEnd() async throws {
        let maps = BlockingPool.size * 2
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<maps {
                group.addTask {
                    try await Offload.run {
                        Offload.map(200, width: 8) { index in
                            usleep(100)
                            return index
                        }.reduce(0) { $0 + ($1 ?? -1_000_000) }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sums == Array(repeating: (0..<200).reduce(0, +), count: maps))
    }
}
