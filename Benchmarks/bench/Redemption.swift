import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Load for the redemption benchmark: `clients` concurrent loops, each request on a new TLS connection.
enum RedemptionLoad {
    struct Result {
        var completed: Int
        var failed: Int
        var seconds: Double
        var latencies: [Double]
        var rate: Double { Double(completed) / seconds }
    }

    /// Runs for `seconds`, POSTing `body` (or GETting when nil) to `url`, trusting `caPEM`.
    static func run(url: String, caPEM: String, body: String?, clients: Int, seconds: Double) async throws -> Result {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        tls.minimumTLSVersion = .tlsv13
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .milliseconds(1))
        pool.concurrentHTTP1ConnectionsPerHostSoftLimit = clients * 2
        let configuration = HTTPClient.Configuration(tlsConfiguration: tls, timeout: .init(connect: .seconds(10), read: .seconds(10)), connectionPool: pool)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let deadline = Date().addingTimeInterval(seconds)
        let start = Date()
        let results = await withTaskGroup(of: (Int, Int, [Double]).self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var completed = 0, failed = 0
                    var latencies: [Double] = []
                    while Date() < deadline {
                        var request = HTTPClientRequest(url: url)
                        request.headers.add(name: "Connection", value: "close")
                        if let body {
                            request.method = .POST
                            request.headers.add(name: "name", value: "bench")
                            request.body = .bytes(ByteBuffer(string: body))
                        }
                        let begin = Measure.now()
                        do {
                            let response = try await client.execute(request, timeout: .seconds(10))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status == .ok { completed += 1 } else { failed += 1 }
                        } catch {
                            failed += 1
                        }
                        latencies.append(Measure.milliseconds(since: begin))
                    }
                    return (completed, failed, latencies)
                }
            }
            var total = (0, 0, [Double]())
            for await part in group {
                total.0 += part.0
                total.1 += part.1
                total.2 += part.2
            }
            return total
        }
        let elapsed = Date().timeIntervalSince(start)
        try? await client.shutdown()
        return Result(completed: results.0, failed: results.1, seconds: elapsed, latencies: results.2)
    }
}
