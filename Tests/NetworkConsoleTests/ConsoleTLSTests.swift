import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing

@testable import NetworkConsole

/// The console over HTTPS with client certificates: the other way it lets anyone in from the network.
@Suite struct ConsoleTLSTests {
    /// A CA, a server certificate for 127.0.0.1 and a client certificate it issued (openssl, as a user makes them),
    /// and a client certificate of another CA.
    static func certificates(in directory: URL) throws {
        let d = directory.path
        let script = """
            set -e
            cd \(d)
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=console-ca -days 2 2>/dev/null
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -subj /CN=other-ca -days 2 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext
            openssl req -new -newkey rsa:2048 -nodes -keyout tls.key -out server.csr -subj /CN=console 2>/dev/null
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial 1 -extfile server.ext -out tls.crt -days 2 2>/dev/null
            for who in client:ca stranger:other-ca; do
              name=${who%%:*}; ca=${who##*:}
              openssl req -new -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj /CN=$name 2>/dev/null
              openssl x509 -req -in $name.csr -CA $ca.crt -CAkey $ca.key -set_serial 2 -out $name.crt -days 2 2>/dev/null
            done
            chmod 600 tls.key
            """
        let result = try run(["/bin/sh", "-c", script])
        guard result.status == 0 else { throw TestFailure("openssl: \(result.output)") }
    }

    @Test(.timeLimit(.minutes(1)))
    func onlyClientsWithACertificateOfTheCAGetIn() async throws {
        let scratch = try ScratchDirectory()
        let directory = URL(fileURLWithPath: scratch.path("tls"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.certificates(in: directory)
        let tls = try ConsoleTLS.load(directory: directory.path)
        #expect(tls.requiresClientCertificates)
        let port = freePort()
        let (_, feed) = ObserverAPITests.routes()
        let routes = ConsoleRoutes(feed: feed, authentication: nil, clientCertificates: true, boundHost: "0.0.0.0")
        let server = ConsoleServer(address: ConsoleAddress(host: "127.0.0.1", port: port), routes: routes, tls: tls, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let d = directory.path
            func curl(_ extra: [String]) throws -> (status: Int32, output: String) {
                try run(
                    ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "--cacert", "\(d)/ca.crt"] + extra + [
                        "https://127.0.0.1:\(port)/api/v2alpha1/sites"
                    ])
            }
            var admitted = (status: Int32(-1), output: "")
            for _ in 0..<100 {
                admitted = try curl(["--cert", "\(d)/client.crt", "--key", "\(d)/client.key", "-H", "Host: console.example"])
                if admitted.status == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            // Any host name: the certificate, not the name, lets it in.
            #expect(admitted.status == 0 && admitted.output == "200", "\(admitted)")
            let without = try curl([])
            #expect(without.status != 0 || without.output != "200", "\(without)")
            let stranger = try curl(["--cert", "\(d)/stranger.crt", "--key", "\(d)/stranger.key"])
            #expect(stranger.status != 0 || stranger.output != "200", "\(stranger)")
            // Plain HTTP on the HTTPS port gets nothing.
            #expect((try? PlainHTTP.get("/", port: port))?.status != 200)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(feed.url == "https://127.0.0.1:\(port)/")
    }

    @Test func aKeyOthersMayReadOrAMissingFileIsRefused() throws {
        let scratch = try ScratchDirectory()
        let directory = URL(fileURLWithPath: scratch.path("tls"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.certificates(in: directory)
        chmod(directory.appendingPathComponent("tls.key").path, 0o644)
        #expect(throws: ConsoleTLSError.self) { try ConsoleTLS.load(directory: directory.path) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("tls.key"))
        do {
            _ = try ConsoleTLS.load(directory: directory.path)
            Issue.record("loaded without a key")
        } catch {
            #expect(error.description.contains("no readable tls.key"))
        }
    }
}
