import NIOCore
import NIOHTTP1

/// The HTTP response to a redemption: the YAML stream on success, the failure's text otherwise; always
/// plain text, with its length, and `Connection: close` (one request per connection).
enum GrantResponse {
    static func parts(for result: Result<String, RedemptionFailure>) -> [HTTPServerResponsePart] {
        let (status, text): (HTTPResponseStatus, String) =
            switch result {
            case .success(let body): (.ok, body)
            case .failure(let failure): (HTTPResponseStatus(statusCode: failure.status), failure.message + "\n")
            }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "Connection", value: "close")
        if case .failure(let failure) = result, let seconds = failure.retryAfter { headers.add(name: "Retry-After", value: String(max(0, seconds))) }
        return [
            .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)),
            .body(.byteBuffer(ByteBuffer(string: text))),
            .end(nil),
        ]
    }
}
