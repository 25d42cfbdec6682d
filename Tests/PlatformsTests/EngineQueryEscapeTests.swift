import Foundation
import Testing

@testable import Platforms

/// Engine API query values are escaped as Foundation's percent-encoding with RFC 3986's unreserved characters kept
/// (what the agent used before it stopped linking Foundation).
@Suite("Engine query escaping")
struct EngineQueryEscapeTests {
    @Test(arguments: [
        "", "skupper-router", "quay.io/skupper/skupper-router:3.5.1", "a b&c=d?e#f/g", "~._-", "%41",
        "é ü 日本 🙂", "tab\there", "nul\u{0}", "\u{7F}\u{85}", "a+b;c,d@e:f$g!h*i'j(k)l[m]n",
    ])
    func matchesFoundation(_ value: String) {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        #expect(EngineClient.queryEscape(value) == value.addingPercentEncoding(withAllowedCharacters: allowed))
    }
}
