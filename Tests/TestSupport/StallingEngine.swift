import Foundation

/// A stand-in for a Docker engine that stops answering (Python on a unix socket, Docker's API): it answers
/// `/_ping`, `/version` and inspections (no such container; no such image unless `imagePresent`) at once, and holds every request whose
/// path contains `stall` for `seconds` before answering it. A real dockerd cannot be made to stall a pull without a
/// registry that does; this one can. Each request is logged, one `METHOD path` line, in `requests`.
public final class StallingEngine: @unchecked Sendable {
    public let process = Process()
    public let socketPath: String
    let logFile: URL

    public init(stall: String = "/images/create", seconds: Int = 60, imagePresent: Bool = false) throws {
        let id = UUID().uuidString.prefix(8)
        socketPath = "/tmp/stalling-engine-\(id).sock"
        logFile = URL(fileURLWithPath: "/tmp/stalling-engine-\(id).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            #"""
            import asyncio, json, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            path, stall, seconds, log_path, image_present = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == '1'
            def log(line):
                with open(log_path, 'a') as f:
                    f.write(line + '\n')
            async def handle(reader, writer):
                try:
                    while True:
                        head = await reader.readuntil(b'\r\n\r\n')
                        lines = head.decode('latin-1').split('\r\n')
                        method, target = lines[0].split(' ')[:2]
                        headers = {l.split(':', 1)[0].strip().lower(): l.split(':', 1)[1].strip() for l in lines[1:] if ':' in l}
                        length = int(headers.get('content-length', '0'))
                        if length:
                            await reader.readexactly(length)
                        log(method + ' ' + target)
                        status, body = 404, {'message': 'no such object'}
                        if target == '/_ping':
                            status, body = 200, 'OK'
                        elif target == '/version':
                            status, body = 200, {'Version': '20.10.24', 'ApiVersion': '1.41', 'MinAPIVersion': '1.12',
                                                 'Components': [{'Name': 'Engine'}]}
                        elif image_present and '/images/' in target and target.endswith('/json'):
                            status, body = 200, {'Id': 'sha256:' + '0' * 64, 'RepoTags': []}
                        if stall in target:
                            await asyncio.sleep(seconds)
                            status, body = 500, {'message': 'stalled on purpose'}
                        data = (body if isinstance(body, str) else json.dumps(body)).encode()
                        kind = 'text/plain' if isinstance(body, str) else 'application/json'
                        writer.write(f'HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(data)}\r\n\r\n'.encode() + data)
                        await writer.drain()
                except Exception:
                    writer.close()
            async def main():
                server = await asyncio.start_unix_server(handle, path)
                async with server:
                    await server.serve_forever()
            asyncio.run(main())
            """#, socketPath, stall, String(seconds), logFile.path, imagePresent ? "1" : "0",
        ]
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socketPath), Date() < deadline { usleep(20_000) }
    }

    deinit { stop() }

    /// The requests so far, one `METHOD path` each.
    public var requests: [String] {
        ((try? String(contentsOf: logFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        unlink(socketPath)
    }
}
