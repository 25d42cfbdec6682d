import Certificates
import Foundation
import Grants
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Resources

/// Drives one input through what a connection of the grant server does once TLS is done: the HTTP server
/// pipeline (an EmbeddedChannel), then `GrantServer.serve(parts:from:write:)` with a real ledger holding one grant
/// (uid `fuzz-grant`, code `fuzzcodefuzzcodefuzzcode`, as the seed corpus uses them), then checks the answer.
final class GrantRequestHarness: Sendable {
    static let uid = "fuzz-grant"
    static let code = "fuzzcodefuzzcodefuzzcode"

    let ledger: GrantLedger
    let context: RedemptionContext
    let logger: Logger

    init() {
        // Under $TMPDIR, which scripts/fuzz.sh points at a scratch directory it removes afterwards.
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("fuzz-grants-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let record = GrantRecord(
            name: "fuzz", uid: Self.uid, code: Self.code,
            expirationTime: Date(timeIntervalSince1970: 4_102_444_800), redemptionsAllowed: Int.max)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try! encoder.encode(record).write(to: directory.appendingPathComponent("fuzz.json"))
        ledger = GrantLedger(directory: directory)
        precondition(ledger.record(named: "fuzz") != nil, "the harness's grant did not load")
        context = RedemptionContext(
            siteName: "east", edge: false, issuer: try! CertificateAuthority.generate(commonName: "fuzz-ca"),
            endpoints: [
                LinkSpec.Endpoint(name: "inter-router", host: "127.0.0.1", port: "55671", group: "a"),
                LinkSpec.Endpoint(name: "edge", host: "127.0.0.1", port: "45671", group: "b"),
            ])
        logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
    }

    func run(_ bytes: [UInt8]) {
        let channel = EmbeddedChannel()
        try! channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
        try! channel.connect(to: SocketAddress(ipAddress: "192.0.2.1", port: 40000)).wait()
        _ = try? channel.writeInbound(channel.allocator.buffer(bytes: bytes))
        var parts: [HTTPServerRequestPart] = []
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }

        // A fresh server (and failure limiter) per input keeps inputs independent of each other.
        let server = GrantServer(host: "127.0.0.1", port: 0, ledger: ledger, logger: logger)
        server.setContext(context)
        let answer = blocking { [parts] in
            var written: [HTTPServerResponsePart] = []
            try? await server.serve(parts: PartSequence(parts: parts), from: "192.0.2.1") { written.append($0) }
            return written
        }
        ResponseCheck.answer(answer, to: parts)
        for part in answer { _ = try? channel.writeOutbound(part) }
        var output: [UInt8] = []
        while let data = try? channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { fatalError("the pipeline wrote a file region") }
            output += buffer.readableBytesView
        }
        ResponseCheck.wire(output)
        _ = try? channel.finish()
    }
}

/// Runs async work to completion from libFuzzer's synchronous callback: the task is always waited for.
func blocking<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> T {
    let result = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        result.value = await operation()
        done.signal()
    }
    done.wait()
    return result.value!
}

/// Hands one value from the task to the waiting thread (the semaphore orders the accesses).
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// The parsed request parts, replayed as the async sequence `serve` reads.
struct PartSequence: AsyncSequence, Sendable {
    typealias Element = HTTPServerRequestPart
    let parts: [HTTPServerRequestPart]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<HTTPServerRequestPart>
        mutating func next() async -> HTTPServerRequestPart? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: parts[...]) }
}
