import Foundation
import SiteFiles

/// A namespace directory as Skupper v2 2.2 lays one out after `skupper site create <site> --enable-link-access`,
/// `skupper listener create` and `skupper system setup` on the linux platform (file names, formats and certificate
/// names from v2's nonkube source: input/resources, input/certs, input/issuers, internal/platform.yaml,
/// internal/snapshot, runtime/router/skrouterd.json, runtime/issuers, runtime/certs, runtime/resources, runtime/links).
/// The CAs and certificates are RSA-2048, made with openssl as v2 makes them.
public struct SkupperV2Namespace {
    public var siteName: String
    public var siteId = UUID().uuidString.lowercased()
    public var routerId: String
    public var localPort: Int
    public var interRouterPort: Int
    public var edgePort: Int
    public var listenerPort: Int
    public var hosts = ["127.0.0.1", "localhost"]

    public init(siteName: String, localPort: Int, interRouterPort: Int, edgePort: Int, listenerPort: Int) {
        self.siteName = siteName
        self.routerId = "\(siteName)-1732000000-123456789"
        self.localPort = localPort
        self.interRouterPort = interRouterPort
        self.edgePort = edgePort
        self.listenerPort = listenerPort
    }

    /// The static link file v2 writes for other sites (`runtime/links/link-<site>-127.0.0.1.yaml`).
    public var linkFileName: String { "link-\(siteName)-127.0.0.1.yaml" }

    /// The certificate directories v2 generated, CAs under `runtime/issuers`, the rest under `runtime/certs`.
    public var authorities: [String] { ["skupper-local-ca", "skupper-site-ca", "skupper-service-ca"] }
    public var leaves: [String] { ["skupper-local-server", "skupper-local-client", siteName, "client-\(siteName)"] }

    /// Writes the namespace under `layout.root`.
    public func write(to layout: SiteLayout) throws {
        let root = layout.root
        for directory in [
            "input/resources", "input/certs", "input/issuers", "internal/snapshot", "internal/scripts",
            "runtime/router", "runtime/certs", "runtime/issuers", "runtime/resources", "runtime/links",
        ] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        func put(_ path: String, _ text: String, mode: Int = 0o644) throws {
            let url = root.appendingPathComponent(path)
            try text.write(to: url, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        }
        // What the user gave (v2's CLI writes `<Kind>-<name>.yaml` with the fields Go's encoder adds).
        let site = """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata:
              creationTimestamp: null
              name: \(siteName)
              namespace: default
            spec:
              linkAccess: default
            status: {}

            """
        let listener = """
            apiVersion: skupper.io/v2alpha1
            kind: Listener
            metadata:
              creationTimestamp: null
              name: backend
              namespace: default
            spec:
              host: 127.0.0.1
              port: \(listenerPort)
              routingKey: backend
              type: tcp
            status: {}

            """
        try put("input/resources/Site-\(siteName).yaml", site)
        try put("input/resources/Listener-backend.yaml", listener)
        try put("internal/snapshot/Site-\(siteName).yaml", site)
        try put("internal/snapshot/Listener-backend.yaml", listener)
        try put("internal/platform.yaml", "platform: linux\n")

        // Certificates, as v2's renderer writes them (RSA-2048, 0640 files).
        let certs = root.appendingPathComponent("runtime/certs"), issuers = root.appendingPathComponent("runtime/issuers")
        for name in authorities { try Self.authority(name, in: issuers.appendingPathComponent(name)) }
        let localCA = issuers.appendingPathComponent("skupper-local-ca"), siteCA = issuers.appendingPathComponent("skupper-site-ca")
        try Self.leaf("skupper-local-server", commonName: "127.0.0.1", hosts: ["127.0.0.1", "localhost"], ca: localCA, in: certs)
        try Self.leaf("skupper-local-client", commonName: "127.0.0.1", hosts: ["127.0.0.1", "localhost"], ca: localCA, in: certs)
        try Self.leaf(siteName, commonName: siteName, hosts: hosts, ca: siteCA, in: certs)
        try Self.leaf("client-\(siteName)", commonName: "client-\(siteName)", hosts: [], ca: siteCA, in: certs)

        // The router configuration v2 rendered (the entities this layout's takeover reads, as v2 writes them).
        let metadata = #"{\"id\":\"\#(siteId)\",\"version\":\"2.2.0\",\"platform\":\"linux\"}"#
        let base = root.path
        try put(
            "runtime/router/skrouterd.json",
            """
            [
                ["router", {"id": "\(routerId)", "mode": "interior", "helloMaxAgeSeconds": "3", "metadata": "\(metadata)"}],
                ["sslProfile", {"name": "skupper-local-server", "certFile": "\(base)/runtime/certs/skupper-local-server/tls.crt", "privateKeyFile": "\(base)/runtime/certs/skupper-local-server/tls.key", "caCertFile": "\(base)/runtime/certs/skupper-local-server/ca.crt"}],
                ["sslProfile", {"name": "\(siteName)", "certFile": "\(base)/runtime/certs/\(siteName)/tls.crt", "privateKeyFile": "\(base)/runtime/certs/\(siteName)/tls.key", "caCertFile": "\(base)/runtime/certs/\(siteName)/ca.crt"}],
                ["listener", {"name": "skupper-local-normal", "role": "normal", "host": "127.0.0.1", "port": \(localPort), "sslProfile": "skupper-local-server", "saslMechanisms": "EXTERNAL", "authenticatePeer": true}],
                ["listener", {"name": "\(siteName)-inter-router", "role": "inter-router", "port": \(interRouterPort), "sslProfile": "\(siteName)", "saslMechanisms": "EXTERNAL", "authenticatePeer": true}],
                ["listener", {"name": "\(siteName)-edge", "role": "edge", "port": \(edgePort), "sslProfile": "\(siteName)", "saslMechanisms": "EXTERNAL", "authenticatePeer": true}],
                ["tcpListener", {"name": "backend", "port": "\(listenerPort)", "address": "backend", "host": "127.0.0.1", "siteId": "\(siteId)"}],
                ["address", {"prefix": "mc", "distribution": "multicast"}],
                ["log", {"module": "ROUTER_CORE", "enable": "error+"}],
                ["site", {"name": "\(routerId)", "namespace": "default", "platform": "linux", "version": "2.2.0"}]
            ]

            """)

        // The runtime site state, with statuses (v2 marshals every resource there, generated ones and Secrets too).
        try put(
            "runtime/resources/Site-\(siteName).yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: Site
            metadata:
              creationTimestamp: null
              name: \(siteName)
              namespace: default
              uid: \(siteId)
            spec:
              linkAccess: default
            status:
              conditions:
              - lastTransitionTime: "2024-11-19T07:06:40Z"
                message: OK
                reason: Ready
                status: "True"
                type: Running
              endpoints:
              - group: skupper-router
                name: \(siteName)-inter-router
                port: "\(interRouterPort)"
              message: OK
              status: Ready

            """)
        try put(
            "runtime/resources/RouterAccess-skupper-local.yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: RouterAccess
            metadata:
              creationTimestamp: null
              name: skupper-local
              namespace: default
            spec:
              bindHost: 127.0.0.1
              issuer: skupper-local-ca
              roles:
              - name: normal
                port: \(localPort)
              tlsCredentials: skupper-local-server
            status:
              message: OK
              status: Ready

            """)
        try put(
            "runtime/resources/RouterAccess-\(siteName).yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: RouterAccess
            metadata:
              creationTimestamp: null
              name: \(siteName)
              namespace: default
            spec:
              roles:
              - name: inter-router
                port: \(interRouterPort)
              - name: edge
                port: \(edgePort)
              subjectAlternativeNames:
            \(hosts.map { "  - \($0)" }.joined(separator: "\n"))
              tlsCredentials: \(siteName)
            status:
              message: OK
              status: Ready

            """)
        try put("runtime/resources/Listener-backend.yaml", listener.replacingOccurrences(of: "status: {}", with: "status:\n  message: OK\n  status: Ready"))
        try put(
            "runtime/resources/Certificate-skupper-site-ca.yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: Certificate
            metadata:
              creationTimestamp: null
              name: skupper-site-ca
              namespace: default
            spec:
              ca: ""
              signing: true
              subject: skupper-site-ca
            status:
              message: OK

            """)

        // The static link other sites use (`runtime/links`): the client certificate as Secret `link-<site>`, and a Link.
        let client = certs.appendingPathComponent("client-\(siteName)")
        func base64(_ file: String) throws -> String { try Data(contentsOf: client.appendingPathComponent(file)).base64EncodedString() }
        try put(
            "runtime/links/\(linkFileName)",
            """
            ---
            apiVersion: v1
            data:
              ca.crt: \(try base64("ca.crt"))
              tls.crt: \(try base64("tls.crt"))
              tls.key: \(try base64("tls.key"))
            kind: Secret
            metadata:
              creationTimestamp: null
              name: link-\(siteName)
            type: kubernetes.io/tls
            ---
            apiVersion: skupper.io/v2alpha1
            kind: Link
            metadata:
              creationTimestamp: null
              name: link-\(siteName)
            spec:
              cost: 1
              endpoints:
              - host: 127.0.0.1
                name: inter-router
                port: "\(interRouterPort)"
              - host: 127.0.0.1
                name: edge
                port: "\(edgePort)"
              tlsCredentials: link-\(siteName)
            status: {}

            """)
    }

    /// A self-signed RSA-2048 CA (`tls.crt`, `tls.key`, `ca.crt` = itself), as v2's certs.GenerateSecret makes one.
    static func authority(_ name: String, in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("tls.key").path, cert = directory.appendingPathComponent("tls.crt").path
        try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1825", "-subj", "/CN=\(name)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
            "-keyout", key, "-out", cert,
        ])
        try FileManager.default.copyItem(atPath: cert, toPath: directory.appendingPathComponent("ca.crt").path)
    }

    /// An RSA-2048 certificate for server and client use signed by the CA in `ca`.
    static func leaf(_ name: String, commonName: String, hosts: [String], ca: URL, in certs: URL) throws {
        let directory = certs.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("tls.key").path, cert = directory.appendingPathComponent("tls.crt").path
        let csr = directory.appendingPathComponent("tls.csr").path, ext = directory.appendingPathComponent("ext.cnf").path
        // v2 names an address both as an IP address and as a DNS name.
        let names = hosts.flatMap { host in host.allSatisfy({ $0.isNumber || $0 == "." }) ? ["IP:\(host)", "DNS:\(host)"] : ["DNS:\(host)"] }
        var extensions = "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
        if !names.isEmpty { extensions += "subjectAltName=\(names.joined(separator: ","))\n" }
        try extensions.write(toFile: ext, atomically: false, encoding: .utf8)
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(commonName)", "-keyout", key, "-out", csr])
        try openssl([
            "x509", "-req", "-in", csr, "-CA", ca.appendingPathComponent("tls.crt").path, "-CAkey", ca.appendingPathComponent("tls.key").path,
            "-set_serial", String(Int.random(in: 1...Int(Int32.max))), "-days", "1825", "-extfile", ext, "-out", cert,
        ])
        try FileManager.default.removeItem(atPath: csr)
        try FileManager.default.removeItem(atPath: ext)
        try FileManager.default.copyItem(at: ca.appendingPathComponent("tls.crt"), to: directory.appendingPathComponent("ca.crt"))
    }

    static func openssl(_ arguments: [String]) throws {
        let result = try run(["openssl"] + arguments)
        guard result.status == 0 else { throw TestFailure("openssl \(arguments.joined(separator: " ")): \(result.output)") }
    }
}
