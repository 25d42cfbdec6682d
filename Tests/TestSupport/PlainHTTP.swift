import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 client over a real loopback TCP socket, for endpoints that answer and close.
public enum PlainHTTP {
    /// Sends `request` (e.g. "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") to 127.0.0.1:`port` and reads until the
    /// server closes; returns the status code and the body (status 0 when nothing came back).
    /// `source` is the loopback address the request comes from.
    public static func send(_ request: String, port: Int, from source: String = "127.0.0.1", timeout: TimeInterval = 5) throws -> (status: Int, body: String) {
        let fd = try connect(port: port, from: source, timeout: timeout)
        defer { close(fd) }
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw TestFailure("send: errno \(errno)")
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += chunk[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let statusLine = parts.first?.split(separator: "\r\n").first ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// `GET path` on 127.0.0.1:`port` as a client that only counts what it gets (the status and the bytes after the
    /// head), as a benchmark's client must: nothing of the answer is parsed or copied into text.
    public static func fetch(_ path: String, port: Int) throws -> (status: Int, bodyBytes: Int) {
        let fd = try connect(port: port, timeout: 5)
        defer { close(fd) }
        let bytes = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw TestFailure("send: errno \(errno)")
        }
        var head: [UInt8] = []
        var total = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            if head.count < 4096 { head += chunk[0..<min(count, 4096)] }
            total += count
        }
        let status = head.count >= 12 ? Int(String(decoding: head[9..<12], as: UTF8.self)) ?? 0 : 0
        let end = (0..<max(0, head.count - 3)).first { head[$0] == 13 && head[$0 + 1] == 10 && head[$0 + 2] == 13 && head[$0 + 3] == 10 }
        return (status, end.map { total - $0 - 4 } ?? 0)
    }

    /// `GET path` on 127.0.0.1:`port`, from the loopback address `source`.
    public static func get(_ path: String, port: Int, from source: String = "127.0.0.1") throws -> (status: Int, body: String) {
        try send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", port: port, from: source)
    }

    /// A TCP connection to 127.0.0.1:`port` from the loopback address `source` (any of 127.0.0.0/8), with `timeout` on
    /// connecting, sending and receiving; the caller closes the descriptor.
    public static func connect(port: Int, from source: String = "127.0.0.1", timeout: TimeInterval = 5) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr = in_addr(s_addr: inet_addr(source))
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        address.sin_port = UInt16(port).bigEndian
        let connected =
            bound == 0
            ? withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } : -1
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw TestFailure("connect to 127.0.0.1:\(port) from \(source): errno \(code)")
        }
        return fd
    }

    /// Raises this process's soft descriptor limit to its hard one (for tests that hold many connections).
    public static func raiseDescriptorLimit() {
        var limits = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return }
        limits.rlim_cur = limits.rlim_max
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
    }
}
