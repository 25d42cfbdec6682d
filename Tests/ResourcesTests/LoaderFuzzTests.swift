import Foundation
import Resources
import TestSupport
import Testing

/// Mutates valid resource files into broken ones: the loader must answer each with resources or a located
/// error, never crash or hang.
enum LoaderFuzzer {
    static let seeds: [String] = [
        "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\nspec:\n  linkAccess: default\n",
        "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: backend}\nspec: {host: 0.0.0.0, port: 8080, routingKey: backend}\n---\napiVersion: skupper.io/v2alpha1\nkind: Connector\nmetadata: {name: db}\nspec: {host: localhost, port: 5432, routingKey: db}\n",
        "apiVersion: skupper.io/v2alpha1\nkind: Link\nmetadata: {name: l}\nspec:\n  endpoints:\n  - {name: inter-router, host: h, port: \"55671\"}\n  tlsCredentials: l\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  tls.crt: \(TestPEM.base64(TestPEM.certificate))\n",
        "{\"apiVersion\": \"skupper.io/v2alpha1\", \"kind\": \"AccessGrant\", \"metadata\": {\"name\": \"g\"}, \"spec\": {\"redemptionsAllowed\": 2}}",
    ]

    static let fragments: [String] = [
        "\n", ": ", "- ", "{", "}", "[", "]", "---\n", "&a ", "*a", "!!binary ", "\"", "'", "\t", "#", "|", ">", "\u{0}", "\u{FEFF}", "? ", "%YAML 1.1\n",
        "<<: *a\n", "~", "0x", "-1", "99999999999999999999", "ä",
    ]

    static func mutate(_ text: String, using random: inout SplitMix64) -> Data {
        var bytes = Array(text.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes = Array(bytes.prefix(position))
            case 1: if !bytes.isEmpty { bytes[position] = UInt8.random(in: 0...255, using: &random) }
            case 2: bytes.insert(contentsOf: fragments.randomElement(using: &random)!.utf8, at: position)
            case 3: if !bytes.isEmpty { bytes.remove(at: position) }
            case 4: bytes.insert(contentsOf: bytes[position...].prefix(40), at: position)
            default: bytes.insert(contentsOf: seeds.randomElement(using: &random)!.utf8, at: position)
            }
        }
        return Data(bytes)
    }

    /// Runs `iterations` mutated inputs; returns how many parsed and how many were rejected.
    static func run(seed: UInt64, iterations: Int) -> (accepted: Int, rejected: Int) {
        var random = SplitMix64(seed: seed)
        var accepted = 0, rejected = 0
        for _ in 0..<iterations {
            let input = mutate(seeds.randomElement(using: &random)!, using: &random)
            do {
                _ = try ResourceLoader.parse(input, file: "fuzz.yaml")
                accepted += 1
            } catch {
                precondition(error.location.file == "fuzz.yaml" && error.location.document >= 1 && !error.message.isEmpty)
                rejected += 1
            }
        }
        return (accepted, rejected)
    }
}

@Suite("Loader fuzzing and the bad-input corpus")
struct LoaderFuzzTests {
    @Test(arguments: [1 as UInt64, 2, 3, 4])
    func mutatedInputsNeverCrash(seed: UInt64) {
        let result = LoaderFuzzer.run(seed: seed, iterations: 1500)
        #expect(result.accepted + result.rejected == 1500)
        #expect(result.rejected > 0)
    }

    /// The corpus: each case is a broken file and what its error must say.
    static let corpus: [(name: String, content: Data, expected: String)] = [
        ("truncated.yaml", Data("apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: l}\nspec: {host: 0.0.0.0, port: 80".utf8), "invalid YAML"),
        (
            "wrong-types.yaml", Data("apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: l}\nspec: {host: [a], port: 80, routingKey: k}\n".utf8),
            "spec.host: expected a string"
        ),
        (
            "duplicates.yaml",
            Data(
                "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: a}\n---\napiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: a}\n".utf8
            ), "duplicate Site \"a\""
        ),
        ("duplicate-keys.yaml", Data("apiVersion: skupper.io/v2alpha1\nkind: Site\nkind: Site\nmetadata: {name: a}\n".utf8), "invalid YAML"),
        ("huge.yaml", Data(repeating: UInt8(ascii: "#"), count: ResourceLoader.maximumFileSize + 10), "larger than"),
        ("garbage.yaml", Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }), "not a text file"),
        (
            "deep.yaml",
            Data(
                ("apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: a}\nspec:\n  settings: " + String(repeating: "[", count: 500)
                    + String(repeating: "]", count: 500) + "\n").utf8), "nesting"
        ),
        ("not-a-resource.yaml", Data("- just\n- a list\n".utf8), "expected a resource"),
        ("scalar.yaml", Data("hello\n".utf8), "expected a resource"),
        ("no-kind.yaml", Data("apiVersion: skupper.io/v2alpha1\nmetadata: {name: a}\n".utf8), "kind: is required"),
        (
            "alias-bomb.yaml",
            Data(
                "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nkind: Site\n"
                    .utf8), "excessive aliasing"
        ),
    ]

    @Test func corpusFilesGetClearErrorsNamingTheFile() throws {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("corpus-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for entry in Self.corpus {
            let url = directory.appendingPathComponent(entry.name)
            try entry.content.write(to: url)
            let started = Date()
            do {
                let contents = try ResourceLoader.load(contentsOf: url, displayName: "input/resources/\(entry.name)")
                Issue.record("\(entry.name) was accepted: \(contents.resources.map(\.id))")
            } catch {
                #expect(error.description.hasPrefix("input/resources/\(entry.name): document "), "\(error)")
                #expect(error.description.contains(entry.expected), "\(entry.name): \(error)")
            }
            #expect(Date().timeIntervalSince(started) < 5, "\(entry.name) took too long")
        }
    }
}
