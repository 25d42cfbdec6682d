import FlowRecords
import Foundation
import Logging
import ServerLimits
import ServiceLifecycle
import TestSupport
import Testing

@testable import NetworkConsole

/// The console's HTTP server on the grant server's footing: methods, sizes, paths, hosts, authentication, ETags.
@Suite struct ConsoleServerTests {
    /// Runs a console on a free loopback port for `body`.
    static func serving(
        sites: Int = 3, connections: Int = 10, authentication: ConsoleAuthentication? = nil, _ body: (Int, ConsoleFeed) async throws -> Void
    ) async throws {
        let port = freePort()
        let (routes, feed) = ObserverAPITests.routes(sites: sites, connections: connections, authentication: authentication)
        let server = ConsoleServer(
            address: ConsoleAddress(host: "127.0.0.1", port: port), routes: routes, idleTimeout: .milliseconds(300), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [server], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<100 {
                if (try? PlainHTTP.get("/healthz", port: port)) != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await body(port, feed)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(feed.url == "http://127.0.0.1:\(port)/")
    }

    @Test func thePageItsAssetsAndTheStateAreServedAndNothingElse() async throws {
        try await Self.serving { port, _ in
            let page = try PlainHTTP.get("/", port: port)
            #expect(page.status == 200 && page.body.contains("console.js"))
            #expect(try PlainHTTP.get("/console.js", port: port).status == 200)
            #expect(try PlainHTTP.get("/console.css", port: port).status == 200)
            let state = try PlainHTTP.get("/api/console/state", port: port)
            #expect(state.status == 200)
            let object = try JSONSerialization.jsonObject(with: Data(state.body.utf8)) as? [String: Any]
            #expect((object?["sites"] as? [Any])?.count == 3)
            for path in ["/../etc/passwd", "/%2e%2e/etc/passwd", "/console.js/../../x", "/assets/console.js", "/index.htm"] {
                #expect(try PlainHTTP.get(path, port: port).status == 404, "\(path)")
            }
            #expect(try PlainHTTP.send("POST /api/console/state HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}", port: port).status == 405)
            let large = String(repeating: "a", count: 9000)
            #expect(try PlainHTTP.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 9000\r\n\r\n\(large)", port: port).status == 413)
            // An idle client is closed.
            let started = ContinuousClock.now
            #expect(try PlainHTTP.send("", port: port).status == 0)
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }

    @Test func anUnchangedStateIsA304() throws {
        let (routes, _) = ObserverAPITests.routes()
        let first = routes.answer(ConsoleRequest(method: "GET", uri: "/api/console/state", host: "localhost"))
        let etag = try #require(first.headers.first { $0.0 == "ETag" }?.1)
        let again = routes.answer(ConsoleRequest(method: "GET", uri: "/api/console/state", host: "localhost", ifNoneMatch: etag))
        #expect(again.status == 304 && again.body.isEmpty)
        #expect(first.headers.contains { $0.0 == "Content-Security-Policy" && $0.1.contains("default-src 'self'") })
    }

    @Test func withoutAuthenticationOnlyLocalHostNamesAreAnswered() {
        let (routes, _) = ObserverAPITests.routes()
        for host in ["localhost", "localhost:8010", "127.0.0.1:8010", "[::1]:8010", "127.0.0.53"] {
            #expect(routes.answer(ConsoleRequest(method: "GET", uri: "/healthz", host: host)).status != 421, "\(host)")
        }
        for host in ["evil.example", "evil.example:8010", "localhost.evil.example", "", "[::1"] {
            #expect(routes.answer(ConsoleRequest(method: "GET", uri: "/", host: host)).status == 421, "\(host)")
        }
        #expect(routes.answer(ConsoleRequest(method: "GET", uri: "/", host: nil)).status == 421)
    }

    @Test func aPasswordFileIsAskedForAndMustBeOwnerOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("password").path
        try "admin:s3cret pass\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        #expect(throws: ConsoleAuthenticationError.self) { try ConsoleAuthentication.load(passwordFile: file) }
        chmod(file, 0o600)
        let authentication = try ConsoleAuthentication.load(passwordFile: file)
        let (routes, _) = ObserverAPITests.routes(authentication: authentication)
        let denied = routes.answer(ConsoleRequest(method: "GET", uri: "/", host: "console.example"))
        #expect(denied.status == 401 && denied.headers.contains { $0.0 == "WWW-Authenticate" })
        let good = "Basic " + Data("admin:s3cret pass".utf8).base64EncodedString()
        let bad = "Basic " + Data("admin:s3cret".utf8).base64EncodedString()
        #expect(routes.answer(ConsoleRequest(method: "GET", uri: "/", host: "console.example", authorization: good)).status == 200)
        #expect(routes.answer(ConsoleRequest(method: "GET", uri: "/", host: "console.example", authorization: bad)).status == 401)
        #expect(routes.answer(ConsoleRequest(method: "GET", uri: "/", host: "x", authorization: "Basic !!!")).status == 401)
        #expect(throws: ConsoleAuthenticationError.self) { try ConsoleAuthentication.load(passwordFile: directory.appendingPathComponent("none").path) }
    }

    @Test func addressesParseAsTheFlagTakesThem() throws {
        #expect(try ConsoleAddress.parse("none") == nil)
        #expect(try ConsoleAddress.parse("127.0.0.1:8010")?.isLoopback == true)
        #expect(try ConsoleAddress.parse("[::1]:8010")?.isLoopback == true)
        #expect(try ConsoleAddress.parse("0.0.0.0:8010")?.isLoopback == false)
        for bad in ["8010", "::1:8010", "host:99999", ":8010", "a b:1"] {
            #expect(throws: ListenAddressError.self) { try ConsoleAddress.parse(bad) }
        }
    }
}
