import RouterManagement

/// Reads a RECORD message's body (a list of maps from attribute codes to values, as skupper-router's vanflow module
/// composes them) into typed records. Input from the network: a record that is not what a router sends is dropped
/// with why, the others are kept; nothing in it can make the reader loop or hold more than `limits` allow.
public struct RecordDecoder: Sendable {
    public struct Limits: Sendable {
        /// Records read from one message (skupper-router sends at most 50).
        public var recordsPerMessage = 1_000
        /// The longest text value and identity kept.
        public var textLength = 1_024
        public var identityLength = 256

        public init() {}
    }

    public var limits = Limits()

    public init() {}

    /// Why a record was dropped.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// What one message held: the records kept, the problems of those dropped, and how many records were skipped
    /// quietly (kinds this agent does not read).
    public struct Decoded: Sendable {
        public var records: [FlowRecord] = []
        public var problems: [Problem] = []
        public var skipped = 0
    }

    public func decode(body: AMQPValue) -> Decoded {
        var decoded = Decoded()
        guard case .list(let items) = body else {
            decoded.problems.append(Problem("the body is not a list of records (\(Self.kind(of: body)))"))
            return decoded
        }
        if items.count > limits.recordsPerMessage {
            decoded.problems.append(Problem("\(items.count) records in one message: only the first \(limits.recordsPerMessage) are read"))
        }
        for item in items.prefix(limits.recordsPerMessage) {
            switch decode(record: item) {
            case .success(let record?): decoded.records.append(record)
            case .success(nil): decoded.skipped += 1
            case .failure(let problem): decoded.problems.append(problem)
            }
        }
        return decoded
    }

    /// One record; nil for a kind not read here.
    public func decode(record value: AMQPValue) -> Result<FlowRecord?, Problem> {
        guard case .map(let map) = value else { return .failure(Problem("a record is not a map (\(Self.kind(of: value)))")) }
        guard let typeValue = map[.uint(FlowAttribute.recordType.rawValue)], let code = Self.number(typeValue) else {
            return .failure(Problem("a record has no record type"))
        }
        guard let type = UInt8(exactly: code).flatMap(FlowRecordType.init(rawValue:)) else {
            if code <= FlowRecordType.highestKnownCode { return .success(nil) }
            return .failure(Problem("unknown record type \(code)"))
        }
        guard case .string(let identity)? = map[.uint(FlowAttribute.identity.rawValue)] else {
            return .failure(Problem("a \(type.name) record has no identity"))
        }
        guard !identity.isEmpty, identity.utf8.count <= limits.identityLength, !identity.contains(where: { $0.isNewline || $0 == "\u{0}" }) else {
            return .failure(Problem("a \(type.name) record's identity is empty, too long or not text"))
        }
        var record = FlowRecord(type: type, identity: identity)
        for (key, value) in map {
            guard case .uint(let code) = key, let attribute = FlowAttribute(rawValue: code) else {
                if case .uint = key { continue }
                return .failure(Problem("\(type.name) \(identity): an attribute key is not a code (\(Self.kind(of: key)))"))
            }
            if attribute == .recordType || attribute == .identity { continue }
            if attribute.isNumber {
                guard let number = Self.number(value) else {
                    return .failure(Problem("\(type.name) \(identity): attribute \(code) is \(Self.kind(of: value)), not a number"))
                }
                set(&record, attribute, number: number)
            } else {
                guard case .string(let text) = value else {
                    return .failure(Problem("\(type.name) \(identity): attribute \(code) is \(Self.kind(of: value)), not text"))
                }
                guard text.utf8.count <= limits.textLength else {
                    return .failure(Problem("\(type.name) \(identity): attribute \(code) is longer than \(limits.textLength) bytes"))
                }
                set(&record, attribute, text: text)
            }
        }
        return .success(record)
    }

    private func set(_ record: inout FlowRecord, _ attribute: FlowAttribute, number: UInt64) {
        switch attribute {
        case .startTime: record.startTime = number
        case .endTime: record.endTime = number
        case .octets: record.octets = number
        case .octetsReverse: record.octetsReverse = number
        case .latency: record.latency = number
        case .linkCost: record.linkCost = number
        case .linkCount: record.linkCount = number
        case .downCount: record.downCount = number
        case .activeTLSOrdinal: record.activeTLSOrdinal = number
        case .flowCount: record.flowCount = number
        case .processLatency: record.processLatency = number
        default: break
        }
    }

    private func set(_ record: inout FlowRecord, _ attribute: FlowAttribute, text: String) {
        switch attribute {
        case .parent: record.parent = text
        case .peer: record.peer = text
        case .platform: record.platform = text
        case .namespace: record.namespace = text
        case .mode: record.mode = text
        case .sourceHost: record.sourceHost = text
        case .destinationHost: record.destinationHost = text
        case .protocol: record.protocol = text
        case .sourcePort: record.sourcePort = text
        case .destinationPort: record.destinationPort = text
        case .vanAddress: record.address = text
        case .imageName: record.imageName = text
        case .imageVersion: record.imageVersion = text
        case .hostName: record.hostName = text
        case .result: record.result = text
        case .reason: record.reason = text
        case .name: record.name = text
        case .buildVersion: record.version = text
        case .operStatus: record.operStatus = text
        case .role: record.role = text
        case .connector: record.connector = text
        case .proxyHost: record.proxyHost = text
        case .proxyPort: record.proxyPort = text
        case .listenerError: record.listenerError = text
        case .connectorError: record.connectorError = text
        default: break
        }
    }

    static func number(_ value: AMQPValue) -> UInt64? {
        switch value {
        case .uint(let u): u
        case .int(let i): i >= 0 ? UInt64(i) : nil
        default: nil
        }
    }

    static func kind(of value: AMQPValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .uint: "a number"
        case .double: "a float"
        case .string: "text"
        case .symbol: "a symbol"
        case .binary: "binary"
        case .list: "a list"
        case .map: "a map"
        }
    }
}
