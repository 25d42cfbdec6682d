import Foundation

/// Wall-clock timing and summaries for the benchmarks.
enum Measure {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func milliseconds(since start: UInt64) -> Double { Double(now() - start) / 1e6 }

    /// The q-quantile (0...1) of samples, nearest-rank.
    static func quantile(_ samples: [Double], _ q: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let rank = max(0, min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank]
    }

    static func median(_ samples: [Double]) -> Double { quantile(samples, 0.5) }

    /// Resident set size now, at its peak, and its anonymous part (the process's own memory, without the
    /// clean pages of its executable and shared libraries), in MiB, from /proc/<pid>/status.
    static func memory(pid: Int32) -> (rss: Double, peak: Double, anonymous: Double) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (.nan, .nan, .nan) }
        func value(_ key: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return .nan }
            return (Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "") ?? .nan)
                / 1024
        }
        return (value("VmRSS:"), value("VmHWM:"), value("RssAnon:"))
    }
}

/// One row of the results table.
struct Row: Codable {
    var benchmark: String
    var case_: String
    var value: Double
    var unit: String
    var baseline: Double?
    var baselineName: String?
    var target: String?
    var met: Bool?

    enum CodingKeys: String, CodingKey {
        case benchmark, value, unit, baseline, target, met
        case case_ = "case"
        case baselineName = "baseline_name"
    }

    /// value / baseline, when there is a baseline.
    var ratio: Double? { baseline.map { value / $0 } }
}
