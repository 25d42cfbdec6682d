import Foundation
import Resources
import TestSupport
import Testing

@Suite("Resource loading")
struct ResourceLoaderTests {
    func load(_ text: String, file: String = "test.yaml") throws(ResourceError) -> ResourceLoader.FileContents {
        try ResourceLoader.parse(text, file: file)
    }

    func failure(_ text: String) -> ResourceError? {
        do {
            _ = try load(text)
            return nil
        } catch { return error }
    }

    @Test func site() throws {
        let contents = try load(
            """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata:
              name: west
              namespace: default
              labels: {team: a}
            spec:
              linkAccess: default
              edge: false
              settings:
                router-logging: debug
            """)
        let site = try #require(contents.resources.first)
        #expect(site.id == ResourceID(.site, "west"))
        #expect(site.site?.linkAccessEnabled == true)
        #expect(site.site?.settings["router-logging"] == "debug")
        #expect(site.metadata.labels == ["team": "a"])
        #expect(site.source?.line == 1)
    }

    @Test func everyKindInOneMultiDocumentFile() throws {
        let contents = try load(
            """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata: {name: west}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata: {name: backend}
            spec: {host: 0.0.0.0, port: 8080, routingKey: backend}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Connector
            metadata: {name: backend}
            spec: {host: localhost, port: "9090", routingKey: backend, tlsCredentials: tls, useClientCert: true}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Link
            metadata: {name: to-east}
            spec:
              cost: 2
              tlsCredentials: to-east
              endpoints:
              - {name: inter-router, host: east.example.com, port: "55671"}
              - {name: edge, host: east.example.com, port: 45671}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: RouterAccess
            metadata: {name: access}
            spec:
              roles: [{name: inter-router, port: 55671}, {name: edge, port: 45671}]
              tlsCredentials: access-server
              bindHost: 10.0.0.1
              subjectAlternativeNames: [west.example.com]
            ---
            apiVersion: skupper.io/v2alpha1
            kind: AccessGrant
            metadata: {name: grant}
            spec: {redemptionsAllowed: 3, expirationWindow: 1h30m}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken
            metadata: {name: token}
            spec:
              url: https://10.0.0.1:8081/0f1e
              code: abc
              ca: |
                -----BEGIN CERTIFICATE-----
                MIIB
                -----END CERTIFICATE-----
            ---
            apiVersion: applicationconnector.kyma-project.io/v1alpha1
            kind: TokenRequest
            metadata: {name: test-app}
            context: {tenant: t1, group: g1}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: to-east}
            type: kubernetes.io/tls
            data:
              ca.crt: \(TestPEM.base64(TestPEM.certificate))
            stringData:
              tls.crt: "\(TestPEM.certificate.replacingOccurrences(of: "\n", with: "\\n"))"
            """)
        #expect(contents.resources.map(\.kind) == [.site, .listener, .connector, .link, .routerAccess, .accessGrant, .accessToken, .tokenRequest, .secret])
        let connector = try #require(contents.resources[2].connector)
        #expect(connector.port == 9090 && connector.useClientCert)
        let link = try #require(contents.resources[3].link)
        #expect(link.cost == 2 && link.endpoint(role: "edge")?.port == "45671")
        let access = try #require(contents.resources[4].routerAccess)
        #expect(access.roles.map(\.port) == [55671, 45671] && access.subjectAlternativeNames == ["west.example.com"])
        let grant = try #require(contents.resources[5].accessGrant)
        #expect(grant.redemptionsAllowed == 3 && grant.expirationWindow.seconds == 5400)
        #expect(contents.resources[6].accessToken?.code == "abc")
        #expect(contents.resources[7].tokenRequest?.tenant == "t1")
        let secret = try #require(contents.resources[8].secret)
        #expect(secret.text("ca.crt") == TestPEM.certificate && secret.text("tls.crt") == TestPEM.certificate)
        #expect(contents.resources[3].source?.document == 4)
    }

    @Test func defaults() throws {
        let contents = try load(
            """
            kind: AccessGrant
            apiVersion: skupper.io/v2alpha1
            metadata: {name: g}
            ---
            kind: RouterAccess
            apiVersion: skupper.io/v2alpha1
            metadata: {name: ra}
            spec: {roles: [{port: 55671}]}
            """)
        let grant = try #require(contents.resources[0].accessGrant)
        #expect(grant.redemptionsAllowed == 1 && grant.expirationWindow.seconds == 900 && grant.code == nil)
        let access = try #require(contents.resources[1].routerAccess)
        #expect(access.roles == [.init(name: "inter-router", port: 55671)])
    }

    @Test func earlierDraftGrantFieldNamesAreAliases() throws {
        let contents = try load(
            """
            apiVersion: skupper.io/v1alpha1
            kind: AccessGrant
            metadata: {name: g}
            spec: {expirationPeriod: 24h, secret: s3cret}
            """)
        let grant = try #require(contents.resources.first?.accessGrant)
        #expect(grant.expirationWindow.seconds == 86400 && grant.code == "s3cret")
    }

    @Test func jsonFiles() throws {
        let contents = try load(
            #"{"apiVersion": "skupper.io/v2alpha1", "kind": "Listener", "metadata": {"name": "l"}, "spec": {"host": "0.0.0.0", "port": 1, "routingKey": "k"}}"#,
            file: "l.json")
        #expect(contents.resources.first?.listener?.port == 1)
    }

    @Test func unknownKindIsSkippedWithAWarning() throws {
        let contents = try load(
            """
            apiVersion: skupper.io/v2alpha1
            kind: Gadget
            metadata: {name: g}
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata: {name: s}
            """)
        #expect(contents.resources.map(\.kind) == [.site])
        let warning = try #require(contents.warnings.first)
        #expect(warning.location.document == 1 && warning.field == "kind")
        #expect(warning.description.contains("unknown kind \"Gadget\""))
    }

    @Test(arguments: [
        // (yaml, document, line, field, message fragment)
        (
            "kind: Listener\napiVersion: skupper.io/v2alpha1\nmetadata: {name: l}\nspec:\n  host: h\n  routingKey: k\n  port: abc\n", 1, 7, "spec.port",
            "expected an integer"
        ),
        (
            "kind: Listener\napiVersion: skupper.io/v2alpha1\nmetadata: {name: l}\nspec:\n  host: h\n  routingKey: k\n  port: 70000\n", 1, 7, "spec.port",
            "out of range"
        ),
        ("kind: Listener\napiVersion: skupper.io/v2alpha1\nmetadata: {name: l}\nspec:\n  host: h\n  port: 80\n", 1, 5, "spec.routingKey", "is required"),
        (
            "kind: Site\napiVersion: skupper.io/v2alpha1\nmetadata: {name: s}\n---\nkind: Site\napiVersion: skupper.io/v2alpha1\nmetadata:\n  name: Bad_Name\n",
            2, 8, "metadata.name", "invalid name"
        ),
        ("kind: Site\napiVersion: skupper.io/v2alpha1\nmetadata: {name: s}\nspec:\n  edge: maybe\n", 1, 5, "spec.edge", "expected true or false"),
        ("kind: Site\napiVersion: skupper.io/v2alpha1\nmetadata: {name: s}\nspec:\n  edge: true\n  ha: true\n", 1, 6, "spec.ha", "edge site cannot have HA"),
        ("kind: Site\napiVersion: skupper.io/v9\nmetadata: {name: s}\n", 1, 2, "apiVersion", "unsupported apiVersion"),
        ("kind: Site\napiVersion: skupper.io/v2alpha1\n", 1, 1, "metadata", "is required"),
        (
            "kind: AccessGrant\napiVersion: skupper.io/v2alpha1\nmetadata: {name: g}\nspec:\n  expirationWindow: soon\n", 1, 5, "spec.expirationWindow",
            "invalid duration"
        ),
        (
            "kind: AccessGrant\napiVersion: skupper.io/v2alpha1\nmetadata: {name: g}\nspec:\n  redemptionsAllowed: 0\n", 1, 5, "spec.redemptionsAllowed",
            "at least 1"
        ),
        (
            "kind: Link\napiVersion: skupper.io/v2alpha1\nmetadata: {name: l}\nspec:\n  endpoints:\n  - name: inter-router\n    host: h\n    port: x\n", 1, 8,
            "spec.endpoints[0].port", "invalid port"
        ),
        (
            "kind: RouterAccess\napiVersion: skupper.io/v2alpha1\nmetadata: {name: r}\nspec:\n  roles:\n  - name: management\n    port: 1\n", 1, 6,
            "spec.roles[0].name", "unknown role"
        ),
        ("kind: AccessToken\napiVersion: skupper.io/v2alpha1\nmetadata: {name: t}\nspec:\n  url: http://x\n  code: c\n  ca: c\n", 1, 5, "spec.url", "https://"),
        ("kind: Secret\napiVersion: v1\nmetadata: {name: s}\ndata:\n  tls.crt: '%%%'\n", 1, 5, "data.tls.crt", "not valid base64"),
        ("kind: Listener\napiVersion: skupper.io/v2alpha1\nmetadata: {name: l}\nspec: [1, 2]\n", 1, 4, "spec", "expected a mapping"),
    ])
    func invalidFieldsNameDocumentLineAndField(yaml: String, document: Int, line: Int, field: String, message: String) throws {
        let error = try #require(failure(yaml))
        #expect(error.location.file == "test.yaml")
        #expect(error.location.document == document)
        #expect(error.location.line == line)
        #expect(error.field == field)
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description.hasPrefix("test.yaml: document \(document), line \(line): \(field): "))
    }

    /// A kind whose spec is missing is read as an empty spec: its errors name the document's own line.
    @Test func aMissingSpecIsLocatedAtItsDocument() throws {
        let error = try #require(
            failure(
                "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata: {name: a}\n---\napiVersion: skupper.io/v2alpha1\nkind: Listener\nmetadata: {name: l}\n")
        )
        #expect(error.location.document == 2 && error.location.line == 5, "\(error)")
        #expect(error.field == "spec.routingKey" && error.message.contains("is required"), "\(error)")
    }

    @Test func syntaxErrorsNameTheLine() throws {
        let error = try #require(failure("kind: Site\nmetadata:\n  name: [unclosed\n"))
        #expect(error.location.line != nil)
        #expect(error.message.hasPrefix("invalid YAML"))
        let second = try #require(failure("kind: Site\napiVersion: skupper.io/v2alpha1\nmetadata: {name: a}\n---\nkind: : :\n  - x\n"))
        #expect(second.location.document == 2)
    }

    @Test func duplicateNamesInOneFile() throws {
        let error = try #require(
            failure("kind: Site\napiVersion: skupper.io/v2alpha1\nmetadata: {name: a}\n---\nkind: Site\napiVersion: skupper.io/v2alpha1\nmetadata: {name: a}\n")
        )
        #expect(error.location.document == 2 && error.message.contains("duplicate Site \"a\""))
    }

    @Test func binaryGarbageAndHugeFilesAreRefused() throws {
        var garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        garbage[10] = 0
        #expect(throws: ResourceError.self) { try ResourceLoader.parse(garbage, file: "g.yaml") }
        let huge = Data(repeating: UInt8(ascii: "a"), count: ResourceLoader.maximumFileSize + 1)
        do {
            _ = try ResourceLoader.parse(huge, file: "huge.yaml")
            Issue.record("a huge file was accepted")
        } catch {
            #expect(error.message.contains("larger than"))
        }
    }

    @Test func deepNestingIsRefused() throws {
        let deep =
            "kind: Site\napiVersion: skupper.io/v2alpha1\nmetadata: {name: a}\nspec:\n  settings: " + String(repeating: "[", count: 200)
            + String(repeating: "]", count: 200) + "\n"
        let error = try #require(failure(deep))
        #expect(error.message.contains("nesting") || error.message.contains("invalid YAML"))
    }

    @Test func emptyDocumentsAreIgnored() throws {
        #expect(try load("").resources.isEmpty)
        #expect(try load("---\n---\n").resources.isEmpty)
        #expect(try load("# just a comment\n").resources.isEmpty)
    }

    @Test func resourceFileNames() {
        #expect(ResourceLoader.isResourceFile("site.yaml"))
        #expect(ResourceLoader.isResourceFile("a.YML"))
        #expect(ResourceLoader.isResourceFile("a.json"))
        #expect(!ResourceLoader.isResourceFile(".site.yaml.swp"))
        #expect(!ResourceLoader.isResourceFile("site.yaml~"))
        #expect(!ResourceLoader.isResourceFile("notes.txt"))
    }

    @Test func goDurations() {
        #expect(GoDuration("15m")?.seconds == 900)
        #expect(GoDuration("1h30m")?.seconds == 5400)
        #expect(GoDuration("1.5h")?.seconds == 5400)
        #expect(GoDuration("500ms")?.seconds == 0.5)
        #expect(GoDuration("15") == nil)
        #expect(GoDuration("m") == nil)
        #expect(GoDuration(seconds: 900).description == "15m0s")
        #expect(GoDuration(seconds: 86400).description == "24h0m0s")
        #expect(GoDuration(seconds: 900).humanReadable == "15 minutes")
        #expect(GoDuration(seconds: 3600).humanReadable == "1 hour")
    }
}
