import Foundation
import Resources
import RouterManagement
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Two sites with real routers run by their agents (the process platform), linked with a token: East has the
/// connectors, West the listeners. The network benchmarks measure changes and traffic through it.
final class BenchNetwork {
    let east: TemporarySite
    let west: TemporarySite
    let agentEast: AgentProcess
    let agentWest: AgentProcess

    /// Sets the network up with `services` listener/connector pairs loaded (their connectors point nowhere);
    /// `restartOnChange` runs both agents the old way (a router restart for every change).
    init(services: Int, restartOnChange: Bool) throws {
        let router = try RealRouter.prefix().appendingPathComponent("sbin/skrouterd").path
        var arguments = ["--platform", "process", "--router-path", router, "--log-level", "warning"]
        if restartOnChange { arguments.append("--restart-router-on-every-change") }
        east = try TemporarySite()
        west = try TemporarySite()
        try east.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: east}\nspec: {linkAccess: default}\n")
        try west.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: west}\n")
        var listeners = "", connectors = ""
        for index in 0..<services {
            listeners +=
                "---\napiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: l\(index)}\nspec: {host: 127.0.0.1, port: \(20_000 + index), routingKey: k\(index)}\n"
            connectors +=
                "---\napiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata: {name: c\(index)}\nspec: {host: 127.0.0.1, port: 9, routingKey: k\(index)}\n"
        }
        if services > 0 {
            try west.write("services.yaml", listeners)
            try east.write("services.yaml", connectors)
        }
        try east.write(
            "grant.yaml", "apiVersion: skupper.io/v2alpha1\nkind: AccessGrant\nmetadata: {name: bench}\nspec: {redemptionsAllowed: 10, expirationWindow: 1h}\n")
        agentEast = try AgentProcess(site: east, arguments: arguments)
        let east = east
        guard
            east.eventually(timeout: 60, { east.status(.accessGrant, "bench")?.status.phase == .ready && east.status(.site, "east")?.status.phase == .ready }),
            let grant = east.status(.accessGrant, "bench")?.status,
            let url = grant.field("url")?.text, let ca = grant.field("ca")?.text, let code = grant.field("code")?.text
        else {
            throw TestFailure("east is not ready: \(agentEast.log.suffix(2000))")
        }
        agentWest = try AgentProcess(site: west, arguments: arguments)
        try west.write(
            "token.yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken
            metadata: {name: to-east}
            spec:
              url: \(url)
              code: \(code)
              ca: |
            \(ca.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
            """)
        let west = west
        guard west.eventually(timeout: 60, { west.status(.link, "to-east")?.status.phase == .ready }) else {
            throw TestFailure("the link is not up: \(String(describing: west.status(.link, "to-east")))\n\(agentWest.log.suffix(2000))")
        }
    }

    func stop() {
        agentWest.stop()
        agentEast.stop()
    }

    /// Drops a Connector (to `target`) on East and a Listener (on `port`) on West for a new routing key, and
    /// returns the milliseconds until a connection through them echoes (or, without `echo`, is accepted: the
    /// listener binds once its connector is known). With `sameSite` both go to West: no router-to-router propagation.
    func dropPair(_ name: String, port: Int, target: Int, echo: Bool = true, sameSite: Bool = false) throws -> Double {
        let connector =
            "apiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata: {name: \(name)}\nspec: {host: 127.0.0.1, port: \(target), routingKey: \(name)}\n"
        let listener =
            "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: \(name)}\nspec: {host: 127.0.0.1, port: \(port), routingKey: \(name)}\n"
        let start = Measure.now()
        try (sameSite ? west : east).saveAtomically(sameSite ? "\(name)-connector.yaml" : "\(name).yaml", connector)
        try west.saveAtomically("\(name).yaml", listener)
        let deadline = Date().addingTimeInterval(30)
        let probe: [UInt8] = Array(name.utf8)
        while Date() < deadline {
            if let stream = TCPStream(port: port, timeout: 1), !echo || stream.echo(probe) == probe { return Measure.milliseconds(since: start) }
            usleep(2_000)
        }
        throw TestFailure("\(name) never carried traffic: \(agentWest.log.suffix(1000))")
    }

    /// The router's own floor for the same change: a tcpConnector created on East's router and a tcpListener on
    /// West's directly through management (no agent, no files), until a connection through them echoes.
    func dropPairDirectly(_ name: String, port: Int, target: Int) async throws -> Double {
        let eastClient = try Self.client(east), westClient = try Self.client(west)
        let start = Measure.now()
        _ = try await eastClient.perform(
            .create(
                "io.skupper.router.tcpConnector", name: "connector/\(name)",
                attributes: [
                    "host": "127.0.0.1", "port": .string(String(target)), "address": .string(name),
                ]))
        _ = try await westClient.perform(
            .create(
                "io.skupper.router.tcpListener", name: "listener/\(name)",
                attributes: [
                    "host": "127.0.0.1", "port": .string(String(port)), "address": .string(name),
                ]))
        let deadline = Date().addingTimeInterval(30)
        let probe: [UInt8] = Array(name.utf8)
        while Date() < deadline {
            if let stream = TCPStream(port: port, timeout: 1), stream.echo(probe) == probe { return Measure.milliseconds(since: start) }
            usleep(2_000)
        }
        throw TestFailure("\(name) never carried traffic when made directly")
    }

    /// A management client for a site's router, as its agent connects.
    static func client(_ site: TemporarySite) throws -> ManagementClient {
        let port = try site.identityPorts().local
        let certificate = site.layout.certificate("skupper-local-client")
        return ManagementClient(
            endpoint: ManagementEndpoint(
                port: port, certificateFile: certificate.appendingPathComponent("tls.crt").path,
                keyFile: certificate.appendingPathComponent("tls.key").path,
                caFile: certificate.appendingPathComponent("ca.crt").path))
    }

    /// Adds and removes an unrelated pair while `streams` are open through an existing one; returns how many broke.
    func flowsDropped(streams: [TCPStream], changes: Int, echoPort: Int) throws -> Int {
        var broken = Set<Int>()
        for change in 0..<changes {
            let name = "unrelated\(change)"
            _ = try? dropPair(name, port: 40_000 + change, target: echoPort)
            try west.remove("\(name).yaml")
            try east.remove("\(name).yaml")
            usleep(1_500_000)
            for (index, stream) in streams.enumerated() where !broken.contains(index) {
                let probe = Array("flow \(index) after change \(change)".utf8)
                if stream.echo(probe) != probe { broken.insert(index) }
            }
        }
        return broken.count
    }
}

/// A TCP sink on loopback that counts what it receives, for throughput.
final class CountingSink: @unchecked Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        port = freePort()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw TestFailure("cannot listen on \(port)") }
        Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                Thread {
                    var buffer = [UInt8](repeating: 0, count: 1 << 16)
                    var total = 0
                    while case let count = buffer.withUnsafeMutableBytes({ recv(client, $0.baseAddress, $0.count, 0) }), count > 0 { total += count }
                    // Tells the sender everything arrived: it waits for this before it stops the clock.
                    var text = Array("\(total)\n".utf8)
                    _ = send(client, &text, text.count, Int32(MSG_NOSIGNAL))
                    close(client)
                }.start()
            }
        }.start()
    }

    deinit { close(fd) }

    /// Sends `megabytes` to `port` (the sink itself, or a listener routed to it) and returns MB/s, counted when the
    /// sink confirmed every byte.
    static func throughput(port: Int, megabytes: Int) throws -> Double {
        guard let fd = connectLoopback(port: port, timeout: 60) else { throw TestFailure("cannot connect to \(port)") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x5a, count: 1 << 16)
        let total = megabytes << 20
        let start = Measure.now()
        var sent = 0
        while sent < total {
            let count = chunk.withUnsafeBytes { send(fd, $0.baseAddress, min($0.count, total - sent), Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw TestFailure("send failed after \(sent) bytes") }
            sent += count
        }
        shutdown(fd, Int32(SHUT_WR))
        var reply = [UInt8](repeating: 0, count: 64)
        let count = reply.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        let seconds = Measure.milliseconds(since: start) / 1000
        let received = count > 0 ? Int(String(decoding: reply[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 : 0
        guard received == total else { throw TestFailure("the sink got \(received) of \(total) bytes") }
        return Double(megabytes) / seconds
    }
}
