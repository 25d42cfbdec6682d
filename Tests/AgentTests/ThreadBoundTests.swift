import Foundation
import Resources
import TestSupport
import Testing

/// The agent's threads under a burst of changes, with the real router taking each through management: the blocking
/// work queues for the pool's threads and management keeps its one thread, so the count stays bounded.
@Suite("Threads under a burst of changes")
struct ThreadBoundTests {
    /// The threads of a process, as the kernel counts them.
    static func threads(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") })
        else { return 0 }
        return Int(line.split(separator: "\t").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "") ?? 0
    }

    @Test func aThousandChangesInABurstKeepTheThreadsBounded() throws {
        let site = try TemporarySite()
        try site.write("site.yaml", Fixtures.site)
        let router = try RealRouter.prefix().appendingPathComponent("sbin/skrouterd").path
        let agent = try AgentProcess(site: site, arguments: ["--platform", "process", "--router-path", router])
        defer { agent.stop() }
        #expect(site.eventually(timeout: 30) { site.status(.site, "west")?.status.phase == .ready }, "\(agent.log)")
        let idle = Self.threads(agent.pid)
        var most = idle
        let changes = 1_000
        for index in 0..<changes {
            // Listeners and connectors by turns, each its own file: a change each, as fast as the disk takes them.
            let name = "s\(index)"
            let yaml = index % 2 == 0 ? ResourceYAML.listener(name, port: 30_000 + index) : ResourceYAML.connector(name, port: 30_000 + index)
            try site.write("\(name).yaml", yaml)
            if index % 25 == 0 { most = max(most, Self.threads(agent.pid)) }
        }
        let settled = site.eventually(timeout: 60) {
            most = max(most, Self.threads(agent.pid))
            return (0..<changes).allSatisfy { index in site.status(index % 2 == 0 ? .listener : .connector, "s\(index)") != nil }
        }
        #expect(settled, "not every change has its status")
        // Two per core of the pool, management's one, the cooperative pool's, NIO's and Dispatch's few.
        #expect(most <= 48, "\(most) threads (idle: \(idle))")
        print("threads: idle \(idle), at most \(most) under \(changes) changes")
    }
}
