import Foundation
import NIOCore
import NIOHTTP1
import Resources

/// What every answer must look like; a violation stops the fuzzer with the reason.
enum ResponseCheck {
    static let statuses: Set<UInt> = [200, 400, 403, 404, 405, 413, 429, 500, 503]

    /// The parts `serve` wrote: nothing, or one complete response whose status, length and body make sense.
    static func answer(_ parts: [HTTPServerResponsePart], to request: [HTTPServerRequestPart]) {
        guard !parts.isEmpty else { return }
        guard parts.count == 3, case .head(let head) = parts[0], case .body(.byteBuffer(let body)) = parts[1], case .end(nil) = parts[2] else {
            fail("not one head, one body and an end: \(parts)")
        }
        guard statuses.contains(head.status.code) else { fail("unexpected status \(head.status)") }
        guard head.headers["Content-Length"] == [String(body.readableBytes)] else {
            fail("Content-Length \(head.headers["Content-Length"]) for \(body.readableBytes) bytes")
        }
        guard head.headers["Connection"] == ["close"] else { fail("no Connection: close") }
        guard head.status == .ok else { return }
        // A 200 answers a POST to the grant with its code, and carries a Secret and one Link per endpoint group.
        guard case .head(let requestHead) = request.first, requestHead.method == .POST else { fail("200 without a POST") }
        let code = request.reduce(into: [UInt8]()) { if case .body(let chunk) = $1 { $0 += chunk.readableBytesView } }
        guard code == Array(GrantRequestHarness.code.utf8) else { fail("200 for the code \(code)") }
        let name = requestHead.headers.first(name: "name").flatMap { $0.isEmpty ? nil : $0 } ?? "fuzz"
        // Links here must be labels; a dotted name (which Skupper v2 accepts) makes Links only Kubernetes loads.
        guard ObjectMeta.isValidLabel(name) else { return }
        do {
            let resources = try ResourceLoader.parse(String(buffer: body), file: "response").resources
            guard resources.map(\.kind) == [.secret, .link, .link], resources[0].name == name else { fail("200 with \(resources.map(\.id))") }
        } catch {
            fail("200 with a body the loader refuses: \(error)")
        }
    }

    /// The bytes on the wire: nothing, or HTTP/1.1 responses, each with its head and exactly its Content-Length.
    static func wire(_ bytes: [UInt8]) {
        var rest = bytes[...]
        while !rest.isEmpty {
            guard let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) else { fail("a response head without its end: \(text(rest))") }
            let lines = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let status = lines[0].split(separator: " ", maxSplits: 2)
            guard status.count >= 2, status[0] == "HTTP/1.1", let code = UInt(status[1]), (100...599).contains(code) else {
                fail("bad status line \(lines[0])")
            }
            let lengths = lines.dropFirst().compactMap { line -> Int? in
                let field = line.split(separator: ":", maxSplits: 1)
                guard field.count == 2, field[0].lowercased() == "content-length" else { return nil }
                return Int(field[1].trimmingCharacters(in: .whitespaces))
            }
            guard lengths.count == 1, let length = lengths.first else { fail("no single Content-Length in \(lines)") }
            rest = rest[end.upperBound...]
            guard rest.count >= length else { fail("a body shorter than its Content-Length \(length)") }
            rest = rest.dropFirst(length)
        }
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes.prefix(200), as: UTF8.self) }

    static func fail(_ reason: String) -> Never { fatalError("grant server answer: \(reason)") }
}
