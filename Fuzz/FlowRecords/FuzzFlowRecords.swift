import FlowRecords
import Logging
import RouterManagement

/// libFuzzer's entry: any bytes, read as an AMQP value the way a flow message's body is, must go through the record
/// decoder, a collector following the source, the store and the view without a crash, a hang or unbounded memory;
/// so must the same value given as a BEACON's and a HEARTBEAT's application properties.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFlowRecords(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = AMQPValue.decode(bytes) else { return 0 }
    let collector = FlowCollector(logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
    let now = ContinuousClock.now
    _ = collector.received(FlowMessage(address: flowBeaconAddress, subject: "BEACON", applicationProperties: value, body: .null), now: now)
    _ = collector.received(
        FlowMessage(
            address: flowBeaconAddress, subject: "BEACON",
            applicationProperties: .map([
                .symbol("sourceType"): .string("ROUTER"), .symbol("id"): .string("fuzzy:0"), .symbol("address"): .string("mc/sfe.fuzzy:0"),
                .symbol("direct"): .string("sfe.fuzzy:0"),
            ]), body: .null), now: now)
    _ = collector.received(FlowMessage(address: "mc/sfe.fuzzy:0", subject: "HEARTBEAT", applicationProperties: value, body: .null), now: now)
    _ = collector.received(FlowMessage(address: "mc/sfe.fuzzy:0", subject: "RECORD", applicationProperties: .null, body: value), now: now)
    let records = collector.records
    let view = NetworkView(records: records, ownSiteId: records.values.first { $0.type == .site }?.identity)
    for site in view.sites where site.siteId.isEmpty && !site.links.isEmpty { fatalError("a site without an id has links") }
    _ = NetworkStatusDocument.yaml(records: records, namespace: "default")
    _ = collector.tick(now: now + .seconds(60))
    guard collector.records.isEmpty else { fatalError("a silent source's records were kept") }
    return 0
}
