import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TestSupport

/// Raw clients for the limits tests: plain TCP or TLS connections that send what a test tells them, and curl
/// from a chosen loopback source address.
enum TestClients {
    /// A TCP connection to the server, with TLS (trusting `caPEM`) when given.
    static func connect(port: Int, tlsTrusting caPEM: String? = nil) async throws -> Channel {
        let context: NIOSSLContext? = try caPEM.map { pem in
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
            configuration.minimumTLSVersion = .tlsv13
            configuration.certificateVerification = .noHostnameVerification
            return try NIOSSLContext(configuration: configuration)
        }
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil)) }
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    /// Sends `bytes` one by one, `interval` apart, until the server closes the connection or `limit` passes;
    /// returns when the close was seen (to within 50 ms), or nil if the connection is still open.
    static func trickle(_ bytes: [UInt8], over channel: Channel, every interval: Duration, giveUpAfter limit: Duration) async throws -> ContinuousClock.Instant?
    {
        let clock = ContinuousClock()
        let end = clock.now + limit
        var nextWrite = clock.now
        var index = 0
        while clock.now < end {
            guard channel.isActive else { return clock.now }
            if clock.now >= nextWrite {
                try? await channel.writeAndFlush(ByteBuffer(bytes: [bytes[index % bytes.count]])).get()
                index += 1
                nextWrite += interval
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return channel.isActive ? nil : clock.now
    }

    /// Waits until `condition` holds, polling; false if it still does not after `limit`.
    static func eventually(within limit: Duration = .seconds(3), _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// POSTs `code` to `url` with curl from the loopback address `source`; returns the HTTP status (000 when none).
    static func curlStatus(_ url: String, code: String, name: String = "link", from source: String = "127.0.0.1", caFile: URL) async throws -> String {
        try await Curl.redemptionStatus(url, code: code, name: name, from: source, caFile: caFile)
    }

    /// Runs a command on a thread of its own: waiting for it on the cooperative pool would starve the in-process
    /// server of the threads it answers on.
    static func runOffThePool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run(arguments) }) }.start()
        }
    }
}
