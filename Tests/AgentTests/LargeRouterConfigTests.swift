import Foundation
import Resources
import RouterEntities
import TestSupport
import Testing

/// A router configuration over a megabyte is written beside the agent's loop (the render-only platform needs no
/// file before the next start): it still follows every change, is never torn, is complete when the agent stops,
/// and is not written again by a restart that changes nothing.
@Suite("A large router configuration")
struct LargeRouterConfigTests {
    static let listeners = 6000

    static func populate(_ site: TemporarySite) throws {
        try site.write("site.yaml", Fixtures.site)
        for file in 0..<6 {
            let documents = (0..<(listeners / 6)).map { index in
                ResourceYAML.listener("l\(file * 10_000 + index)", port: 10_000 + file * 1_000 + index, host: "127.0.0.1")
            }
            try site.write("listeners-\(file).yaml", documents.joined(separator: "\n---\n"))
        }
    }

    static func tcpListeners(_ site: TemporarySite) -> [String]? {
        site.routerConfig.flatMap(RouterConfig.parse)?.entities(ofType: "tcpListener").compactMap { $0.text("name") }
    }

    @Test func followsChangesBesideTheLoop() throws {
        let site = try TemporarySite()
        try Self.populate(site)
        let agent = try AgentProcess(site: site)
        #expect(site.eventually(timeout: 120) { site.status(.site, "west")?.status.phase == .ready }, "log:\n\(agent.log.suffix(2000))")
        #expect(site.eventually(timeout: 30) { Self.tcpListeners(site)?.count == Self.listeners })
        let size = try FileManager.default.attributesOfItem(atPath: site.layout.routerConfig.path)[.size] as? Int ?? 0
        try #require(size > 1 << 20, "the file must be large enough to be written beside the loop: \(size) bytes")

        try site.write("late.yaml", ResourceYAML.listener("late", port: 9999, host: "127.0.0.1"))
        #expect(site.eventually { site.status(.listener, "late")?.status.phase == .ready })
        #expect(site.eventually { Self.tcpListeners(site)?.contains("listener/late") == true })
        #expect(Self.tcpListeners(site)?.count == Self.listeners + 1)
        #expect(agent.log.contains("deferred=true"), "\(agent.log.suffix(2000))")

        try site.remove("late.yaml")
        #expect(site.eventually { site.status(.listener, "late") == nil })
        #expect(site.eventually { Self.tcpListeners(site).map { !$0.contains("listener/late") } == true })

        // Stopped right after its status is written: the configuration has the change when the agent has exited.
        try site.write("last.yaml", ResourceYAML.listener("last", port: 9998, host: "127.0.0.1"))
        #expect(site.eventually { site.status(.listener, "last") != nil })
        #expect(agent.stop() == 0)
        #expect(Self.tcpListeners(site)?.contains("listener/last") == true)
        let leftOnDisk = try #require(site.routerConfig)

        // A restart that changes nothing writes nothing.
        let again = try AgentProcess(site: site)
        defer { again.stop() }
        #expect(site.eventually(timeout: 120) { again.log.contains("] ready") }, "\(again.log.suffix(2000))")
        #expect(site.status(.listener, "last")?.status.phase == .ready)
        #expect(!again.log.contains("router configuration written"), "\(again.log.suffix(2000))")
        #expect(site.routerConfig == leftOnDisk)
    }
}
