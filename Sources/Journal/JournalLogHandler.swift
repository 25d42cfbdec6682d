import CSystemd
import FoundationEssentials
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler that sends each record to the systemd journal as a structured entry (`sd_journal_sendv`):
/// the level as PRIORITY, metadata as fields, the source location as CODE_FILE/CODE_LINE/CODE_FUNC.
public struct JournalLogHandler: LogHandler {
    public let label: String
    /// SYSLOG_IDENTIFIER: the program's name.
    public let identifier: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, identifier: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let explicit = event.metadata { all.merge(explicit) { $1 } }
        if let error = event.error, all["error"] == nil { all["error"] = "\(error)" }
        let fields = JournalFields.entry(
            message: event.message.description, level: event.level, identifier: identifier, label: label,
            metadata: all, file: event.file, function: event.function, line: event.line)
        if Self.send(fields) < 0 {
            // The journal's socket is gone (journald restarting): the text still reaches stderr, which systemd keeps.
            let line = Array("<\(JournalFields.priority(event.level))>\(fields[0].dropFirst("MESSAGE=".count))\n".utf8)
            _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        }
    }

    /// Sends one entry: all fields in one buffer, an iovec for each; the journal copies them before the call returns.
    /// Returns sd_journal_sendv's result (negative errno on failure).
    @discardableResult
    static func send(_ fields: [String]) -> Int32 {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = bytes.count
            bytes += field.utf8
            ranges.append(start..<bytes.count)
        }
        return bytes.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress
            let vectors = ranges.map { range in iovec(iov_base: base.map { $0 + range.lowerBound }, iov_len: range.count) }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}
