/// The kinds of vanflow record this agent reads, with skupper-router's codes (`vflow_record_type_t` in
/// skupper-router's include/qpid/dispatch/vanflow.h).
public enum FlowRecordType: UInt8, Sendable, Hashable, CaseIterable {
    case site = 0x00
    case router = 0x01
    case link = 0x02
    case listener = 0x04
    case connector = 0x05
    case routerAccess = 0x0f
    case transportFlow = 0x10

    /// The highest code skupper-router 3.x sends: codes up to it that are not read here are skipped quietly, those
    /// above it are unknown (a newer or a hostile source).
    static let highestKnownCode: UInt64 = 0x11

    public var name: String {
        switch self {
        case .site: "SITE"
        case .router: "ROUTER"
        case .link: "LINK"
        case .listener: "LISTENER"
        case .connector: "CONNECTOR"
        case .routerAccess: "ROUTER_ACCESS"
        case .transportFlow: "BIFLOW_TPORT"
        }
    }
}

/// The attribute codes read here (`vflow_attribute_t`); the others are skipped.
enum FlowAttribute: UInt64 {
    case recordType = 0
    case identity = 1
    case parent = 2
    case startTime = 3
    case endTime = 4
    case peer = 6
    case platform = 11
    case namespace = 12
    case mode = 13
    case sourceHost = 14
    case destinationHost = 15
    case `protocol` = 16
    case sourcePort = 17
    case destinationPort = 18
    case vanAddress = 19
    case imageName = 20
    case imageVersion = 21
    case hostName = 22
    case octets = 23
    case latency = 24
    case result = 28
    case reason = 29
    case name = 30
    case buildVersion = 32
    case linkCost = 33
    case flowCount = 40
    case linkCount = 52
    case operStatus = 53
    case role = 54
    case downCount = 57
    case octetsReverse = 58
    case connector = 60
    case processLatency = 61
    case proxyHost = 62
    case proxyPort = 63
    case listenerError = 64
    case connectorError = 65
    case activeTLSOrdinal = 66

    /// Whether the attribute is a number (else text: strings and references).
    var isNumber: Bool {
        switch self {
        case .recordType, .startTime, .endTime, .octets, .latency, .linkCost, .flowCount, .linkCount, .downCount, .octetsReverse, .processLatency,
            .activeTLSOrdinal:
            true
        default: false
        }
    }
}

/// One vanflow record as its source last described it: the attributes seen so far (a record's later messages carry
/// only what changed), typed. Every field but the type and identity is optional, as the records are.
public struct FlowRecord: Sendable, Hashable {
    public var type: FlowRecordType
    /// `<source>:<number>`, or an id of its own (a SITE's is the site id).
    public var identity: String
    public var parent: String?
    /// Microseconds since the epoch.
    public var startTime: UInt64?
    /// Set once the record ended (the object it describes is gone).
    public var endTime: UInt64?
    /// A LINK's peer: the identity of the ROUTER_ACCESS it reached.
    public var peer: String?
    public var name: String?
    public var platform: String?
    public var namespace: String?
    public var mode: String?
    public var sourceHost: String?
    public var destinationHost: String?
    public var `protocol`: String?
    public var sourcePort: String?
    public var destinationPort: String?
    /// The routing key of a LISTENER or CONNECTOR.
    public var address: String?
    public var imageName: String?
    public var imageVersion: String?
    public var hostName: String?
    public var octets: UInt64?
    public var octetsReverse: UInt64?
    public var latency: UInt64?
    public var result: String?
    public var reason: String?
    public var version: String?
    public var linkCost: UInt64?
    public var linkCount: UInt64?
    /// `up` or `down` (LINK).
    public var operStatus: String?
    public var role: String?
    public var downCount: UInt64?
    /// The revision of its sslProfile's credentials the connection uses (a LINK's, or a listener's for ROUTER_ACCESS).
    public var activeTLSOrdinal: UInt64?
    /// A BIFLOW_TPORT's CONNECTOR.
    public var connector: String?
    /// Connections a LISTENER or CONNECTOR has made so far.
    public var flowCount: UInt64?
    /// A BIFLOW_TPORT's latency measured at its connector (first byte to the server until its first byte back).
    public var processLatency: UInt64?
    /// The address a BIFLOW_TPORT's connector side connected from.
    public var proxyHost: String?
    public var proxyPort: String?
    /// Why a BIFLOW_TPORT ended on either side (the router's words).
    public var listenerError: String?
    public var connectorError: String?

    public init(type: FlowRecordType, identity: String) {
        self.type = type
        self.identity = identity
    }

    /// Whether the record says its object is gone.
    public var hasEnded: Bool { (endTime ?? 0) > 1_000_000 }

    /// The source part of a router-made identity (`abcde` of `abcde:12`); nil for an identity of its own.
    public static func sourcePrefix(of identity: String) -> Substring? {
        guard let colon = identity.lastIndex(of: ":") else { return nil }
        let number = identity[identity.index(after: colon)...]
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return identity[..<colon]
    }

    /// The record but its traffic counters (octets, latency, down count, connections made): what the network view is made of. A LINK's
    /// octets change with every message the routers exchange; the view need not.
    var withoutCounters: FlowRecord {
        var record = self
        record.octets = nil
        record.octetsReverse = nil
        record.latency = nil
        record.downCount = nil
        record.flowCount = nil
        return record
    }

    /// Takes in what a later message says of the record: the attributes it carries replace those held.
    mutating func merge(_ update: FlowRecord) {
        func take<T>(_ key: WritableKeyPath<FlowRecord, T?>) { if let value = update[keyPath: key] { self[keyPath: key] = value } }
        take(\.parent)
        take(\.startTime)
        take(\.endTime)
        take(\.peer)
        take(\.name)
        take(\.platform)
        take(\.namespace)
        take(\.mode)
        take(\.sourceHost)
        take(\.destinationHost)
        take(\.protocol)
        take(\.sourcePort)
        take(\.destinationPort)
        take(\.address)
        take(\.imageName)
        take(\.imageVersion)
        take(\.hostName)
        take(\.octets)
        take(\.octetsReverse)
        take(\.latency)
        take(\.result)
        take(\.reason)
        take(\.version)
        take(\.linkCost)
        take(\.linkCount)
        take(\.operStatus)
        take(\.role)
        take(\.downCount)
        take(\.activeTLSOrdinal)
        take(\.connector)
        take(\.flowCount)
        take(\.processLatency)
        take(\.proxyHost)
        take(\.proxyPort)
        take(\.listenerError)
        take(\.connectorError)
    }
}
