import FoundationEssentials
import Resources
import SiteFiles
import TextSupport

/// The list of rejected input files, `runtime/resources/input-errors.yaml`.
enum InputErrors {
    static let fileName = "input-errors.yaml"

    /// Writes the file errors (one per file), the errors of Secrets that parse but cannot be used, and the warnings.
    static func write(
        _ errors: [String: ResourceError], credentialErrors: [ResourceError] = [], warnings: [String: [ResourceError]],
        layout: SiteLayout
    ) throws {
        let url = layout.status.appendingPathComponent(fileName)
        if errors.isEmpty && credentialErrors.isEmpty && warnings.values.allSatisfy(\.isEmpty) {
            try? FileManager.default.removeItem(at: url)
            return
        }
        var text = "# errors: input files the agent could not apply (the last good contents of each stay in force).\n"
        text += "# warnings: what it ignored (unknown fields, unknown kinds); the rest of those files applies.\n"
        text += "errors:\n"
        let all = errors.map { ($0.key, $0.value) } + credentialErrors.map { ($0.location.file, $0) }
        for (file, error) in all.sorted(by: { ($0.0, $0.1.location.document) < ($1.0, $1.1.location.document) }) {
            text += "- file: \(QuotedText.quoted(file, .yaml))\n  document: \(error.location.document)\n"
            if let line = error.location.line { text += "  line: \(line)\n" }
            if let field = error.field { text += "  field: \(QuotedText.quoted(field, .yaml))\n" }
            text += "  message: \(QuotedText.quoted(error.message, .yaml))\n"
        }
        let flat = warnings.sorted { $0.key < $1.key }.flatMap { $0.value }
        if !flat.isEmpty {
            text += "warnings:\n"
            for warning in flat { text += "- \(QuotedText.quoted(warning.description, .yaml))\n" }
        }
        try AtomicFile.write(text, to: url, mode: 0o600)
    }

}
