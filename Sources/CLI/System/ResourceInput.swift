import Foundation
import Resources
import TextSupport

/// What `skupper system apply|delete -f <file|->` read: the resources of a file or of standard input, checked as
/// Skupper v2 checks the file name, and parsed (every document validated) before anything is changed.
struct ResourceInput {
    /// The resources, in document order.
    var resources: [Resource]
    /// Documents skipped (unknown kinds) and unknown fields, as warnings.
    var warnings: [ResourceError]

    /// The kinds in the order Skupper v2 applies and reports them; kinds v2 has no handler for come last.
    static let kindOrder: [ResourceKind] = [.site, .connector, .listener, .link, .routerAccess, .accessToken, .secret, .accessGrant, .tokenRequest]

    /// The resources grouped by kind in v2's order, each kind in document order.
    var ordered: [Resource] {
        Self.kindOrder.flatMap { kind in resources.filter { $0.kind == kind } }
    }

    /// Reads `filename` ("-" for standard input); `missing` is v2's message when no -f was given, `example` its hint.
    static func read(_ filename: String?, missing: String, example: String) throws -> ResourceInput {
        guard let filename, !filename.isEmpty else { throw CLIError(missing, hints: [example]) }
        let data: Data
        let displayName: String
        if filename == "-" {
            displayName = "standard input"
            data = try readStandardInput()
        } else {
            displayName = filename
            data = try readFile(filename)
        }
        do {
            let contents = try ResourceLoader.parse(data, file: displayName)
            return ResourceInput(resources: contents.resources, warnings: contents.warnings)
        } catch {
            throw CLIError("Failed parsing the custom resources: \(error)", hints: ["Nothing was changed."])
        }
    }

    /// Prints the warnings on standard error.
    func printWarnings() {
        for warning in warnings { Console.err("Warning: \(warning)") }
    }

    /// A named file, checked as v2 checks it: a .yaml or .json file that exists and is not a directory.
    static func readFile(_ path: String) throws -> Data {
        var problems: [String] = []
        if !path.hasSuffix(".yaml") && !path.hasSuffix(".json") {
            problems.append("The file has an unsupported extension, it should have one of the following: .yaml, .json")
        }
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            problems.append("The file \(QuotedText.goQuoted(path)) does not exist")
        } else if isDirectory.boolValue {
            problems.append("The file \(QuotedText.goQuoted(path)) is a directory")
        }
        if let first = problems.first { throw CLIError(first, hints: Array(problems.dropFirst())) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIError("Error while opening the file: \(path): permission denied or not readable")
        }
        defer { try? handle.close() }
        return try readBounded(handle, what: path)
    }

    /// Standard input, to its end.
    static func readStandardInput() throws -> Data {
        try readBounded(FileHandle.standardInput, what: "standard input")
    }

    /// Everything `handle` gives, refused past the loader's size limit (so an endless stream cannot exhaust memory).
    static func readBounded(_ handle: FileHandle, what: String) throws -> Data {
        var data = Data()
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 16) } catch {
                throw CLIError("Error while reading \(what): \(FileErrorText.describe(error))")
            }
            guard let chunk, !chunk.isEmpty else { return data }
            data.append(chunk)
            if data.count > ResourceLoader.maximumFileSize {
                throw CLIError("Failed parsing the custom resources: \(what) is larger than the \(ResourceLoader.maximumFileSize) byte limit")
            }
        }
    }
}

extension QuotedText {
    /// A path as Go's %q prints it (double quotes, backslash escapes), for v2's messages.
    static func goQuoted(_ text: String) -> String { quoted(text, .json) }
}
