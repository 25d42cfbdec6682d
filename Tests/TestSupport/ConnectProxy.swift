import Foundation

/// An HTTP CONNECT proxy on loopback with basic authentication (Python's asyncio), as a router's proxyProfile
/// reaches it: it relays a tunnel only for the right credentials (407 otherwise) and logs each request, one line
/// `<target> ok|denied`, in `requests`.
public final class ConnectProxy: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    let logFile: URL

    public init(username: String, password: String) throws {
        port = freePort()
        logFile = URL(fileURLWithPath: "/tmp").appendingPathComponent("connect-proxy-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let expected = "basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            #"""
            import asyncio, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            port, expected, log_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            def log(line):
                with open(log_path, 'a') as f:
                    f.write(line + '\n')
            async def pipe(reader, writer):
                try:
                    while data := await reader.read(65536):
                        writer.write(data)
                        await writer.drain()
                except Exception:
                    pass
                finally:
                    writer.close()
            async def handle(reader, writer):
                head = await reader.readuntil(b'\r\n\r\n')
                lines = head.decode('latin-1').split('\r\n')
                method, target = lines[0].split(' ')[:2]
                headers = {l.split(':', 1)[0].strip().lower(): l.split(':', 1)[1].strip() for l in lines[1:] if ':' in l}
                auth = headers.get('proxy-authorization', '')
                if method != 'CONNECT' or auth.lower() != expected.lower():
                    log(target + ' denied')
                    writer.write(b'HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
                    await writer.drain()
                    writer.close()
                    return
                host, target_port = target.rsplit(':', 1)
                upstream_reader, upstream_writer = await asyncio.open_connection(host, int(target_port))
                log(target + ' ok')
                writer.write(b'HTTP/1.1 200 Connection established\r\n\r\n')
                await writer.drain()
                await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
            async def main():
                server = await asyncio.start_server(handle, '127.0.0.1', port)
                async with server:
                    await server.serve_forever()
            asyncio.run(main())
            """#, String(port), expected, logFile.path,
        ]
        try process.run()
    }

    /// The requests so far, one `<target> ok|denied` each.
    public var requests: [String] {
        ((try? String(contentsOf: logFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// SIGKILL: a child of the test process may inherit a signal mask that blocks SIGTERM.
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: logFile)
    }
}
