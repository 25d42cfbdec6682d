import Logging

/// How a swift-log record becomes journal fields: field names, priorities and the entry's `NAME=value` list.
public enum JournalFields {
    /// The syslog priority of a level (journalctl `-p`): trace and debug 7, info 6, notice 5, warning 4, error 3,
    /// critical 2.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a metadata key: upper-cased, every character but A-Z, 0-9 and _ replaced by _,
    /// no leading _ or digit (those are the journal's trusted fields), at most 64 characters; nil when nothing is left.
    public static func fieldName(_ key: String) -> String? {
        var name = String(
            key.uppercased().unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "A"..."Z", "0"..."9", "_": Character(scalar)
                default: "_"
                }
            })
        while let first = name.first, first == "_" || first.isNumber { name.removeFirst() }
        if name.count > 64 { name = String(name.prefix(64)) }
        return name.isEmpty ? nil : name
    }

    /// Field names the handler itself writes: metadata with one of these names is written with an `M_` prefix.
    static let reserved: Set<String> = [
        "MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "LOGGER",
        "MESSAGE_ID", "SYSLOG_FACILITY", "SYSLOG_PID", "SYSLOG_TIMESTAMP", "ERRNO", "TID",
        "DOCUMENTATION", "INVOCATION_ID", "USER_INVOCATION_ID", "UNIT", "USER_UNIT",
    ]

    /// The `NAME=value` fields of one entry, in order: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, LOGGER, the metadata
    /// (sorted by key), then the source location. MESSAGE is the text followed by the metadata as `key=value` (so
    /// `journalctl`'s default output still says which file and why); no timestamp or level: the journal has both.
    public static func entry(
        message: String, level: Logger.Level, identifier: String, label: String, metadata: Logger.Metadata,
        file: String, function: String, line: UInt
    ) -> [String] {
        let text = ([message] + metadata.keys.sorted().map { "\($0)=\(metadata[$0]!)" }).joined(separator: " ")
        var fields = ["MESSAGE=\(text)", "PRIORITY=\(priority(level))", "SYSLOG_IDENTIFIER=\(identifier)", "LOGGER=\(label)"]
        var seen: Set<String> = []
        for key in metadata.keys.sorted() {
            guard var name = fieldName(key), let value = metadata[key] else { continue }
            if reserved.contains(name) { name = String("M_\(name)".prefix(64)) }
            // Two keys that sanitize to one name: the first (in sorted order) wins.
            guard seen.insert(name).inserted else { continue }
            fields.append("\(name)=\(value)")
        }
        fields += ["CODE_FILE=\(file)", "CODE_LINE=\(line)", "CODE_FUNC=\(function)"]
        return fields
    }
}
