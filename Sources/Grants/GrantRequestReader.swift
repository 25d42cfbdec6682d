import NIOCore
import NIOHTTP1

/// Gathers one HTTP request from its parts, refusing a body larger than the limit as soon as it is exceeded.
struct GrantRequestReader {
    /// What to do after a part.
    enum Step: Equatable {
        /// Wait for more parts.
        case needMore
        /// Answer with this refusal now, without reading further.
        case refuse(RedemptionFailure)
        /// The request is complete.
        case request(HTTPRequestHead, ByteBuffer)
        /// Nothing can be answered (parts out of order): close.
        case close
    }

    let maximumBodySize: Int
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(maximumBodySize: Int) { self.maximumBodySize = maximumBodySize }

    mutating func read(_ part: HTTPServerRequestPart) -> Step {
        switch part {
        case .head(let requestHead):
            guard head == nil else { return .close }
            head = requestHead
            return .needMore
        case .body(var chunk):
            guard head != nil else { return .close }
            guard body.readableBytes + chunk.readableBytes <= maximumBodySize else { return .refuse(.tooLarge) }
            body.writeBuffer(&chunk)
            return .needMore
        case .end:
            guard let head else { return .close }
            return .request(head, body)
        }
    }
}
