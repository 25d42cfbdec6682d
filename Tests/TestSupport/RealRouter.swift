import Foundation
import HostSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The real skupper-router 3.5.1, built from source by `scripts/build-router.sh` (once per machine: the script
/// caches its install prefix) and run as a host process on a site's rendered `skrouterd.json`.
public final class RealRouter: @unchecked Sendable {
    public let process = Process()
    public let logFile: URL

    /// The install prefix, building the router first when it is not built yet (a few minutes on 2 cores).
    public static func prefix() throws -> URL {
        let result = try run(["bash", Repository.path("scripts/build-router.sh")])
        guard result.status == 0, let path = result.output.split(separator: "\n").last.map(String.init), path.hasPrefix("/") else {
            throw TestFailure("scripts/build-router.sh failed: \(result.output.suffix(4000))")
        }
        return URL(fileURLWithPath: path)
    }

    /// Starts `skrouterd -c <site>/runtime/router/skrouterd.json`.
    public init(site: TemporarySite) throws {
        let prefix = try Self.prefix()
        process.executableURL = prefix.appendingPathComponent("sbin/skrouterd")
        process.arguments = ["-c", site.layout.routerConfig.path]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = prefix.appendingPathComponent("lib/skupper-router/python").path
        process.environment = environment
        logFile = site.layout.root.appendingPathComponent("skrouterd.log")
        try ChildProcess.launch(process, loggingTo: logFile)
    }

    deinit { stop() }

    /// Stops the router (SIGTERM, then SIGKILL after 5 s).
    public func stop() { ChildProcess.stop(process, timeout: 5) }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
}

/// A TCP echo server on loopback (Python's asyncio), the far end of a connector. With a `tag` (ASCII), each
/// connection's first answer starts with it, so a test can tell which of several servers answered.
public final class EchoServer: @unchecked Sendable {
    public let process = Process()
    public let port: Int

    public init(tag: String = "") throws {
        port = freePort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            """
            import asyncio, signal
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            async def echo(reader, writer):
                tag = b"\(tag.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "!") })"
                while data := await reader.read(65536):
                    writer.write(tag + data)
                    tag = b""
                    await writer.drain()
                writer.close()
            async def main():
                server = await asyncio.start_server(echo, "127.0.0.1", \(port))
                async with server:
                    await server.serve_forever()
            asyncio.run(main())
            """,
        ]
        try process.run()
    }

    /// SIGKILL: a child of the test process may inherit a signal mask that blocks SIGTERM.
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Sends `payload` to 127.0.0.1:`port` and reads as many bytes back; nil when the connection fails or the echo
/// does not come back within `timeout` seconds.
public func echoRoundTrip(port: Int, payload: [UInt8], timeout: TimeInterval = 5) -> [UInt8]? {
    TCPStream(port: port, timeout: timeout)?.echo(payload)
}

/// A TCP socket connected to 127.0.0.1:`port` with send and receive timeouts, or nil.
public func connectLoopback(port: Int, timeout: TimeInterval) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var tv = timeval(tv_sec: Int(timeout), tv_usec: suseconds_t((timeout - timeout.rounded(.down)) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    if connected != 0 {
        close(fd)
        return nil
    }
    return fd
}

/// One TCP connection kept open across steps of a test (a stream through the network that must survive changes).
public final class TCPStream: @unchecked Sendable {
    private let fd: Int32

    /// Connects to 127.0.0.1:`port`; nil when the connection fails.
    public init?(port: Int, timeout: TimeInterval = 5) {
        guard let fd = connectLoopback(port: port, timeout: timeout) else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends `payload` and reads as many bytes back (an echo); nil when the stream broke or timed out.
    public func echo(_ payload: [UInt8]) -> [UInt8]? {
        guard payload.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == payload.count else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received.count < payload.count {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            received += buffer[..<count]
        }
        return received
    }
}
