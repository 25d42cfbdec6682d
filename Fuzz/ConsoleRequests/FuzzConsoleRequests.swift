import FlowRecords
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NetworkConsole
import RouterManagement
import ServerLimits

/// What every input is answered from: a collector holding one site's records and a connection, made once. (Each input
/// gets routes of its own: their caches go with them, so what an input leaves behind is a leak.)
let feed: ConsoleFeed = {
    var settings = FlowCollector.Settings()
    settings.followFlows = true
    let collector = FlowCollector(ownSiteId: "fuzz-site", settings: settings, logger: Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() })
    func record(_ type: UInt64, _ identity: String, _ attributes: [UInt64: AMQPValue]) -> AMQPValue {
        var map: [AMQPValue: AMQPValue] = [.uint(0): .uint(type), .uint(1): .string(identity)]
        for (code, value) in attributes { map[.uint(code)] = value }
        return .map(map)
    }
    let beacon: [AMQPValue: AMQPValue] = [
        .symbol("sourceType"): .string("ROUTER"), .symbol("id"): .string("fz:0"), .symbol("address"): .string("mc/sfe.fz:0"),
        .symbol("direct"): .string("sfe.fz:0"),
    ]
    let body = AMQPValue.list([
        record(0, "fuzz-site", [30: .string("east-1700000000-1"), 11: .string("linux")]),
        record(1, "fz:0", [2: .string("fuzz-site"), 30: .string("0/east-1700000000-1"), 13: .string("interior")]),
        record(4, "fz:1", [2: .string("fz:0"), 30: .string("listener/db"), 19: .string("db"), 15: .string("0.0.0.0"), 18: .string("5432")]),
        record(5, "fz:2", [2: .string("fz:0"), 19: .string("db"), 15: .string("10.0.0.5"), 18: .string("5432")]),
    ])
    let flows = AMQPValue.list([record(0x10, "fz:9", [2: .string("fz:1"), 60: .string("fz:2"), 23: .uint(10), 58: .uint(20), 3: .uint(1)])])
    for message in [
        FlowMessage(address: flowBeaconAddress, subject: "BEACON", applicationProperties: .map(beacon), body: .null),
        FlowMessage(address: "mc/sfe.fz:0", subject: "RECORD", applicationProperties: .map([:]), body: body),
        FlowMessage(address: "mc/sfe.fz:0.flows", subject: "RECORD", applicationProperties: .map([:]), body: flows),
    ] {
        _ = collector.received(message, now: .now)
    }
    let feed = ConsoleFeed()
    feed.follow(collector)
    return feed
}()

/// The statuses the console answers with.
let statuses: Set<String> = ["200", "304", "400", "401", "404", "405", "410", "413", "421"]

/// libFuzzer's entry: the bytes a client sends go through the console's HTTP pipeline and its handler; what comes
/// out must be one well-formed HTTP answer with a status the console gives (or nothing: the connection closed).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConsoleRequests(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let channel = EmbeddedChannel()
    try! channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
    let routes = ConsoleRoutes(feed: feed, authentication: nil, boundHost: "127.0.0.1")
    try! channel.pipeline.syncOperations.addHandler(SingleRequestHandler { routes.answer($0) })
    try! channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40000)).wait()
    _ = try? channel.writeInbound(channel.allocator.buffer(bytes: UnsafeBufferPointer(start: data, count: size)))
    channel.embeddedEventLoop.run()
    var output: [UInt8] = []
    while let part = try? channel.readOutbound(as: IOData.self) {
        guard case .byteBuffer(let buffer) = part else { fatalError("the pipeline wrote a file region") }
        output += buffer.readableBytesView
    }
    _ = try? channel.finish(acceptAlreadyClosed: true)
    guard !output.isEmpty else { return 0 }
    let text = String(decoding: output, as: UTF8.self)
    guard text.hasPrefix("HTTP/1."), let head = text.range(of: "\r\n\r\n") else { fatalError("not an HTTP answer: \(text.prefix(200))") }
    let status = String(text.dropFirst(9).prefix(3))
    // The HTTP parser's own 400 for bytes that are not HTTP is an answer too.
    guard statuses.contains(status) else { fatalError("an answer the console does not give: \(text.prefix(200))") }
    let headers = text[..<head.lowerBound]
    if status != "400" {
        guard headers.contains("X-Content-Type-Options: nosniff") else { fatalError("an answer without its security headers: \(headers)") }
    }
    return 0
}
