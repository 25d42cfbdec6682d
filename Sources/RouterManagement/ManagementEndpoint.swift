/// How to reach a router's management node: its local `normal` listener (amqps on the loopback) and the site's
/// local client certificate, as Skupper v2's controllers connect.
public struct ManagementEndpoint: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var certificateFile: String
    public var keyFile: String
    public var caFile: String
    /// The name the router's certificate is checked against (the local server certificate names `localhost`).
    public var serverName: String

    public init(host: String = "127.0.0.1", port: Int, certificateFile: String, keyFile: String, caFile: String, serverName: String = "localhost") {
        self.host = host
        self.port = port
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.caFile = caFile
        self.serverName = serverName
    }
}
