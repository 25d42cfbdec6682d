import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A certificate rotation on a linked pair with services loaded: East's server certificate replaced by one of the
/// user's in `input/certs/east/`, timed from the files' arrival until East's inter-router port serves it
/// (`openssl s_client`, as West's link client), and the TCP flows open through the link that it broke.
enum RotationBench {
    struct Result {
        var serve: [Double] = []
        var dropped = 0
        var streams = 0
    }

    /// `rotations` rotations on `network` while `streams` flows are open through it (fewer than three: the third
    /// retires the link's first connection, by design, with `tls-prior-valid-revisions` 2).
    static func run(_ network: BenchNetwork, rotations: Int, streams count: Int, echoPort: Int) throws -> Result {
        var result = Result()
        _ = try network.dropPair("rotation", port: 45_000, target: echoPort)
        var streams: [TCPStream] = []
        for _ in 0..<count { if let stream = TCPStream(port: 45_000) { streams.append(stream) } }
        result.streams = streams.count
        let (east, west) = (network.east, network.west)
        let port = try east.identityPorts().interRouter
        guard let profile = try FileManager.default.contentsOfDirectory(atPath: west.layout.certificates.path).first(where: { $0.hasSuffix("-profile") })
        else { throw TestFailure("West has no link profile") }
        let client = west.layout.certificates.appendingPathComponent(profile)
        let serve = {
            OpenSSLCertificates.servedSerial(port: port, certificate: client.appendingPathComponent("tls.crt"), key: client.appendingPathComponent("tls.key"))
        }
        let authority = east.layout.issuers.appendingPathComponent("skupper-site-ca")
        let target = east.layout.inputCertificates.appendingPathComponent("east")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        var broken = Set<Int>()
        for rotation in 0..<rotations {
            let staged = try ScratchDirectory()
            let directory = URL(fileURLWithPath: staged.path("east"))
            let serial = try OpenSSLCertificates.issue(
                into: directory, authority: authority, like: east.layout.certificate("east").appendingPathComponent("tls.crt"), commonName: "east",
                days: 365)
            let start = Measure.now()
            let copied = try TestSupport.run(["cp"] + ["ca.crt", "tls.key", "tls.crt"].map { directory.appendingPathComponent($0).path } + [target.path])
            guard copied.status == 0 else { throw TestFailure("cp: \(copied.output)") }
            let deadline = Date().addingTimeInterval(60)
            while serve() != serial {
                guard Date() < deadline else { throw TestFailure("rotation \(rotation): the new certificate is not served after 60 s") }
                usleep(10_000)
            }
            result.serve.append(Measure.milliseconds(since: start))
            // Flows carry on (or not) once the link is back where a restart dropped it.
            _ = west.eventually(timeout: 30) { west.status(.link, "to-east")?.status.phase == .ready }
            usleep(1_000_000)
            for (index, stream) in streams.enumerated() where !broken.contains(index) {
                let probe = Array("flow \(index) after rotation \(rotation)".utf8)
                if stream.echo(probe) != probe { broken.insert(index) }
            }
        }
        result.dropped = broken.count + (count - streams.count)
        return result
    }
}
