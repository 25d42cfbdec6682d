import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

@Suite("Hostile input: aliases, names, paths, files")
struct HostileInputTests {
    static func bomb(levels: Int, width: Int, asKey: Bool = false) -> String {
        var text = "a0: &a0 [" + Array(repeating: "x", count: width).joined(separator: ", ") + "]\n"
        for level in 1..<levels {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: width).joined(separator: ", ") + "]\n"
        }
        if asKey { text += "? *a\(levels - 1)\n: value\n" }
        return text + "kind: Listener\n"
    }

    @Test(arguments: [false, true])
    func aliasBombsAreRefusedQuickly(_ asKey: Bool) throws {
        let started = ContinuousClock.now
        #expect {
            _ = try ResourceLoader.parse(Self.bomb(levels: 10, width: 9, asKey: asKey), file: "bomb.yaml")
        } throws: { error in
            guard let error = error as? ResourceError else { return false }
            return error.message.contains("aliasing") && error.location.file == "bomb.yaml" && error.location.line != nil
        }
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func modestAliasesStillWork() throws {
        let text = """
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata: {name: a}
            spec: &spec {host: 0.0.0.0, port: 8080, routingKey: k}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Connector
            metadata: {name: b}
            spec: {host: localhost, port: 8080, routingKey: k}
            """
        let contents = try ResourceLoader.parse(text, file: "ok.yaml")
        #expect(contents.resources.count == 2)
    }

    @Test func documentsAreBoundedInNodes() throws {
        let text = "kind: Listener\nitems: [" + Array(repeating: "1", count: 150_000).joined(separator: ",") + "]\n"
        #expect {
            _ = try ResourceLoader.parse(text, file: "big.yaml")
        } throws: { error in (error as? ResourceError)?.message.contains("nodes") == true }
    }

    @Test(arguments: ["", ".", "..", "../x", "a/b", "/etc", "A", "a..b", "-a", "a-", "a.-b", String(repeating: "a", count: 254)])
    func badNamesAreRefused(_ name: String) {
        #expect(!ObjectMeta.isValidName(name))
    }

    @Test(arguments: ["a", "skupper-site-ca", "a.b", "a-b.c-d", "0", String(repeating: "a", count: 253)])
    func goodNamesAreAccepted(_ name: String) {
        #expect(ObjectMeta.isValidName(name))
    }

    @Test func nameFieldsAreCheckedWithTheirLocation() throws {
        let text =
            "apiVersion: skupper.io/v2alpha1\nkind: RouterAccess\nmetadata: {name: ra}\nspec:\n  roles: [{name: edge, port: 45671}]\n  tlsCredentials: ../../x\n"
        #expect {
            _ = try ResourceLoader.parse(text, file: "ra.yaml")
        } throws: { error in
            guard let error = error as? ResourceError else { return false }
            return error.field == "spec.tlsCredentials" && error.location.line == 6 && error.message.contains("invalid name")
        }
    }

    @Test func errorsQuoteTheFirstLineOfAValueOnly() throws {
        let text =
            "apiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: l}\nspec: {host: 0.0.0.0, routingKey: k, port: \"first line\\nSECOND LINE\"}\n"
        #expect {
            _ = try ResourceLoader.parse(text, file: "l.yaml")
        } throws: { error in
            let message = (error as? ResourceError)?.message ?? ""
            return message.contains("first line") && !message.contains("SECOND")
        }
    }

    @Test func childPathsStayInsideTheNamespace() throws {
        let layout = SiteLayout(root: URL(fileURLWithPath: "/tmp/ns-test"), namespace: "ns")
        #expect(try layout.child(layout.certificates, "skupper-site-server").path == "/tmp/ns-test/runtime/certs/skupper-site-server")
        for name in ["", ".", "..", "../../etc", "a/b", "a\u{0}b"] {
            #expect(throws: PathError.self) { try layout.child(layout.certificates, name) }
        }
        #expect(!layout.contains(URL(fileURLWithPath: "/tmp/ns-test/../x")))
        #expect(!layout.contains(URL(fileURLWithPath: "/tmp/ns-test-other/x")))
        #expect(layout.contains(URL(fileURLWithPath: "/tmp/ns-test/runtime/x")))
    }

    @Test func inputFilesAreReadWithoutTrustingWhatStandsThere() throws {
        let site = try TemporarySite()
        let directory = site.layout.inputResources
        func read(_ name: String) -> Result<Data, ResourceError>? { InputFile.read(name, in: directory, displayName: name) }
        try site.write("good.yaml", "kind: Site\n")
        #expect(try read("good.yaml")?.get() == Data("kind: Site\n".utf8))
        #expect(read("absent.yaml") == nil)
        symlink("good.yaml", directory.appendingPathComponent("alias.yaml").path)
        #expect(try read("alias.yaml")?.get() == Data("kind: Site\n".utf8))
        symlink("/etc/hostname", directory.appendingPathComponent("out.yaml").path)
        symlink("loop.yaml", directory.appendingPathComponent("loop.yaml").path)
        symlink("nowhere.yaml", directory.appendingPathComponent("dangling.yaml").path)
        mkfifo(directory.appendingPathComponent("fifo.yaml").path, 0o600)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("dir.yaml"), withIntermediateDirectories: false)
        for (name, words) in [
            ("out.yaml", "out of the input directory"), ("loop.yaml", "loop"), ("dangling.yaml", "does not exist"),
            ("fifo.yaml", "FIFO"), ("dir.yaml", "directory"),
        ] {
            guard case .failure(let error)? = read(name) else {
                Issue.record("\(name) was read")
                continue
            }
            #expect(error.message.contains(words), "\(name): \(error.message)")
            #expect(error.location.file == name)
        }
        let big = directory.appendingPathComponent("big.yaml")
        #expect(FileManager.default.createFile(atPath: big.path, contents: Data(count: 100)))
        guard case .failure(let error)? = InputFile.read("big.yaml", in: directory, displayName: "big.yaml", maximumSize: 10) else {
            Issue.record("big file read")
            return
        }
        #expect(error.message.contains("limit"))
    }
}
