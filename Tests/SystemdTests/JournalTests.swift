import Foundation
import Journal
import Logging
import TestSupport
import Testing

/// The journal handler's field mapping, and skupperd's entries in a real journal (systemd in a container).
@Suite(.serialized) struct JournalTests {
    @Test func levelsBecomeSyslogPriorities() {
        let expected: [Logger.Level: Int] = [.trace: 7, .debug: 7, .info: 6, .notice: 5, .warning: 4, .error: 3, .critical: 2]
        for (level, priority) in expected { #expect(JournalFields.priority(level) == priority, "\(level)") }
    }

    @Test func metadataKeysBecomeJournalFieldNames() {
        #expect(JournalFields.fieldName("error") == "ERROR")
        #expect(JournalFields.fieldName("input-file.path") == "INPUT_FILE_PATH")
        #expect(JournalFields.fieldName("_private") == "PRIVATE")
        #expect(JournalFields.fieldName("9lives") == "LIVES")
        #expect(JournalFields.fieldName("__3x") == "X")
        #expect(JournalFields.fieldName("é") == nil)
        #expect(JournalFields.fieldName("___") == nil)
        #expect(JournalFields.fieldName(String(repeating: "a", count: 100)) == String(repeating: "A", count: 64))
    }

    @Test func entryHasMessagePriorityMetadataAndLocation() {
        let fields = JournalFields.entry(
            message: "input file rejected", level: .error, identifier: "skupperd", label: "skupperd",
            metadata: ["error": "bad.yaml:3:1: x", "message": "clash", "Error": "second", "line\nbreak": "ok"],
            file: "Agent/InputStage.swift", function: "apply(_:)", line: 70)
        #expect(
            fields == [
                "MESSAGE=input file rejected Error=second error=bad.yaml:3:1: x line\nbreak=ok message=clash", "PRIORITY=3", "SYSLOG_IDENTIFIER=skupperd",
                "LOGGER=skupperd",
                "ERROR=second", "LINE_BREAK=ok", "M_MESSAGE=clash",
                "CODE_FILE=Agent/InputStage.swift", "CODE_LINE=70", "CODE_FUNC=apply(_:)",
            ])
    }

    @Test func journalStreamMustNameStandardError() throws {
        #expect(JournalStream.parse("8:12345")! == (8, 12345))
        #expect(JournalStream.parse("8:") == nil && JournalStream.parse("x") == nil && JournalStream.parse("1:2:3") == nil)
        #expect(!JournalStream.isStandardError(environment: [:]))
        var info = stat()
        try #require(fstat(2, &info) == 0)
        #expect(JournalStream.isStandardError(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]))
        #expect(!JournalStream.isStandardError(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(UInt64(info.st_ino) + 1)"]))
    }

    /// skupperd as a Type=notify unit: a rejected file is an error entry (PRIORITY=3, the error as a field, the
    /// message without a timestamp), an unknown field a warning; `-p` filters them; STATUS= sums the site up.
    @Test func skupperdEntriesInTheJournal() throws {
        let container = try SystemdContainer.shared()
        let skupperd = BuiltProducts.directory.resolvingSymlinksInPath().path + "/skupperd"
        let root = "/var/lib/skupper-journal"
        let input = "\(root)/input/resources"
        try container.write("\(input)/site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: journal\n")
        try container.write(
            "\(input)/listener.yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata:
              name: db
            spec:
              host: 127.0.0.1
              port: 5432
              routingKey: db
              colour: blue

            """)
        try container.write("\(input)/broken.yaml", "kind: Listener\nmetadata: [unclosed\n")
        let unit = "skupperd-journal.service"
        try container.write(
            container.units.appendingPathComponent(unit).path,
            """
            [Service]
            Type=notify
            ExecStart=\(skupperd) --config-dir \(root) --namespace journal --platform render --disable-grants

            """)
        try container.checked(["systemctl", "daemon-reload"])
        try container.checked(["systemctl", "start", unit])
        defer { _ = try? container.exec(["systemctl", "stop", unit]) }

        func entries(_ priority: String) throws -> [[String: Any]] {
            try container.checked(["journalctl", "--no-pager", "-u", unit, "-p", priority, "-o", "json"]).split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        var errors: [[String: Any]] = []
        for _ in 0..<50 {
            errors = try entries("err").filter { $0["SYSLOG_IDENTIFIER"] as? String == "skupperd" }
            if !errors.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let rejected = try #require(
            errors.first { ($0["MESSAGE"] as? String)?.hasPrefix("input file rejected: its last good contents stay in force error=") == true },
            "\(errors)")
        #expect(rejected["PRIORITY"] as? String == "3")
        #expect(rejected["LOGGER"] as? String == "skupperd")
        #expect((rejected["ERROR"] as? String)?.contains("broken.yaml") == true, "\(rejected)")
        #expect((rejected["CODE_FILE"] as? String)?.hasSuffix(".swift") == true && rejected["CODE_LINE"] != nil && rejected["CODE_FUNC"] != nil)
        // Only errors and worse at -p err; the warning shows at -p warning; info (ready) at neither.
        #expect(errors.allSatisfy { Int($0["PRIORITY"] as? String ?? "") ?? 9 <= 3 }, "\(errors)")
        let warnings = try entries("warning").filter { $0["SYSLOG_IDENTIFIER"] as? String == "skupperd" }
        #expect(warnings.contains { $0["PRIORITY"] as? String == "4" && ($0["WARNING"] as? String)?.contains("colour") == true }, "\(warnings)")
        #expect(!warnings.contains { ($0["MESSAGE"] as? String)?.hasPrefix("ready ") == true })
        let messages = try container.checked(["journalctl", "--no-pager", "-u", unit, "-o", "cat"]).split(separator: "\n")
        #expect(messages.contains { $0.hasPrefix("ready directory=\(input) site=Site journal") }, "\(messages)")
        // No second timestamp, level or label: each message is the record's text and its metadata.
        let stamped = messages.filter { $0.range(of: #"^\d{4}-\d\d-\d\dT|skupperd:"#, options: .regularExpression) != nil }
        #expect(stamped.isEmpty, "\(stamped)")
        let status = try container.show(unit, ["StatusText", "ActiveState"])
        #expect(status["ActiveState"] == "active")
        #expect(status["StatusText"] == "Site journal, 1 listener, router rendered, 1 input file rejected", "\(status)")
    }
}
