import Foundation
import Grants
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// The ledger, the site and the grant every input is answered with; made once per process.
let harness = GrantRequestHarness()

/// libFuzzer's entry: the bytes a client sends after TLS go through the server's HTTP pipeline and its
/// per-connection handling; the answer must be well formed (or nothing, the connection closed), never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGrantRequests(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    harness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
