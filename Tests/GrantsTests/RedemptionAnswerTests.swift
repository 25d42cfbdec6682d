import Foundation
import Resources
import Testing

@testable import TokenRedemption

/// What a redemption answer may create: only the Secret and Links redeeming asked for.
@Suite("Redemption answers")
struct RedemptionAnswerTests {
    static func secret(_ name: String, extra: [String: Data] = [:]) -> Resource {
        Resource(
            metadata: ObjectMeta(name: name),
            spec: .secret(
                SecretSpec(
                    data: [
                        "tls.crt": Data("c".utf8), "tls.key": Data("k".utf8),
                        "ca.crt": Data("a".utf8),
                    ].merging(extra) { $1 })))
    }

    static func link(_ name: String, credentials: String?) -> Resource {
        Resource(
            metadata: ObjectMeta(name: name),
            spec: .link(
                LinkSpec(
                    endpoints: [.init(name: "inter-router", host: "h", port: "55671")],
                    tlsCredentials: credentials)))
    }

    @Test func whatWasAskedForIsAccepted() throws {
        let outcome = try TokenRedeemer.accept(
            [
                Self.secret("to-east", extra: ["connect.json": Data("{}".utf8)]),
                Self.link("to-east", credentials: "to-east"), Self.link("to-east-2", credentials: "to-east"),
            ],
            name: "to-east")
        #expect(outcome.links.map(\.name) == ["to-east", "to-east-2"])
        // Keys other than the TLS files never reach the disk.
        #expect(outcome.secret.secret?.data.keys.sorted() == ["ca.crt", "tls.crt", "tls.key"])
    }

    @Test(arguments: [
        ([secret("skupper-site-ca"), link("to-east", credentials: "skupper-site-ca")], "Secret \"skupper-site-ca\""),
        ([secret("to-east"), secret("skupper-site-server"), link("to-east", credentials: "to-east")], "Secret \"skupper-site-server\""),
        ([secret("to-east"), link("other", credentials: "to-east")], "Link \"other\""),
        ([secret("to-east"), link("to-east-x", credentials: "to-east")], "Link \"to-east-x\""),
        ([secret("to-east"), link("to-east", credentials: "skupper-local-client")], "using Secret \"skupper-local-client\""),
        ([secret("to-east"), link("to-east-2", credentials: nil)], "using Secret \"to-east-2\""),
        (
            [
                secret("to-east"),
                Resource(
                    metadata: ObjectMeta(name: "to-east"),
                    spec: .link(
                        LinkSpec(
                            endpoints: [.init(name: "inter-router", host: "h", port: "55671")], tlsCredentials: "to-east",
                            settings: ["proxy-configuration": "corporate-proxy"]))),
            ], "proxy of Secret \"corporate-proxy\""
        ),
        (
            [secret("to-east"), Resource(metadata: ObjectMeta(name: "l"), spec: .listener(ListenerSpec(routingKey: "k", host: "h", port: 1)))],
            "Listener \"l\""
        ),
    ])
    func anythingElseIsRefusedWhole(_ resources: [Resource], _ words: String) {
        #expect {
            _ = try TokenRedeemer.accept(resources, name: "to-east")
        } throws: { error in
            let text = "\(error)"
            return text.contains(words) && text.contains("refused") && (error as? TokenRedeemer.Failure)?.isRetryable == false
        }
    }

    @Test func anAnswerWithoutLinksOrKeysIsInvalid() {
        #expect(throws: TokenRedeemer.Failure.self) { try TokenRedeemer.accept([Self.secret("to-east")], name: "to-east") }
        let keyless = Resource(metadata: ObjectMeta(name: "to-east"), spec: .secret(SecretSpec(data: ["ca.crt": Data("a".utf8)])))
        #expect(throws: TokenRedeemer.Failure.self) { try TokenRedeemer.accept([keyless, Self.link("to-east", credentials: "to-east")], name: "to-east") }
    }
}
