import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The CPU time a process has used, from /proc: what the tests and the bench measure idle cost with.
public enum ProcessCPU {
    /// CPU seconds a process has used: utime + stime of /proc/<pid>/stat (every thread's); nil once it is gone.
    public static func seconds(_ pid: Int32) -> Double? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        // After the command's closing parenthesis: field 3 (state) first, so utime (14) and stime (15) are 11 and 12.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Percent of one core each process used over `seconds` from now (nil for one that went meanwhile).
    public static func percent(_ pids: [Int32], over seconds: TimeInterval) -> [Double?] {
        let before = pids.map(Self.seconds)
        let start = Date()
        Thread.sleep(forTimeInterval: seconds)
        let elapsed = Date().timeIntervalSince(start)
        return zip(before, pids.map(Self.seconds)).map { was, now in
            guard let was, let now else { return nil }
            return (now - was) / elapsed * 100
        }
    }
}
