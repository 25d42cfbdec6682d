import Foundation
import Testing

/// The agent links FoundationEssentials, never Foundation (with ICU) nor Yams (which brings Foundation): with them an
/// idle agent held 34 MiB, without them and with its layout (Package.swift) under 20 (issue 13, BENCHMARKS.md). The
/// command line (`Sources/CLI`, `Sources/skupper`) may use both.
@Suite("What the agent imports")
struct AgentImportsTests {
    static let agentModules = [
        "Agent", "Certificates", "Grants", "HostSupport", "Journal", "Platforms", "Resources", "RouterEntities", "RouterRendering",
        "RouterManagement", "ServerLimits", "SiteFiles", "TextSupport", "TokenRedemption", "skupperd",
    ]

    @Test func noFoundationNorYamsInTheAgent() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        var offenders: [String] = []
        for module in Self.agentModules {
            let root = sources.appendingPathComponent(module)
            for path in try FileManager.default.subpathsOfDirectory(atPath: root.path) where path.hasSuffix(".swift") {
                let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    if let at = words.firstIndex(of: "import"), at + 1 < words.count, ["Foundation", "Yams"].contains(words[at + 1]) {
                        offenders.append("\(module)/\(path): \(line)")
                    }
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }
}
