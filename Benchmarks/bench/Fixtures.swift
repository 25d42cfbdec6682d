import Foundation
import Resources
import SiteFiles

/// Resource directories of a given size for the benchmarks.
enum BenchFixtures {
    static let site = """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata: {name: bench}
        spec: {linkAccess: default}

        """

    static func listener(_ index: Int) -> String {
        """
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata: {name: l\(index)}
        spec: {host: 127.0.0.1, port: \(10000 + index % 50000), routingKey: k\(index)}

        """
    }

    static func connector(_ index: Int) -> String {
        """
        ---
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata: {name: c\(index)}
        spec: {host: 10.0.\(index / 250 % 250).\(index % 250 + 1), port: 8080, routingKey: k\(index - index % 2)}

        """
    }

    /// Writes `count` resources (half listeners, half connectors, listener host:port pairs unique, each connector
    /// matching the listener before it, as a real site's services are paired) into `files` files, plus the Site.
    static func populate(_ layout: SiteLayout, resources count: Int, files: Int) throws {
        try FileManager.default.createDirectory(at: layout.inputResources, withIntermediateDirectories: true)
        try site.write(to: layout.inputResources.appendingPathComponent("site.yaml"), atomically: true, encoding: .utf8)
        guard count > 0 else { return }
        let perFile = max(1, count / max(files, 1))
        var index = 0
        var file = 0
        while index < count {
            var text = ""
            for _ in 0..<perFile where index < count {
                text += index % 2 == 0 ? listener(index) : connector(index)
                index += 1
            }
            try text.write(to: layout.inputResources.appendingPathComponent("r\(file).yaml"), atomically: true, encoding: .utf8)
            file += 1
        }
    }
}
