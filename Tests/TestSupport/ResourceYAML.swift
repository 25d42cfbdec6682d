/// Site, Listener and Connector YAML as users write it, for the tests' input directories.
public enum ResourceYAML {
    /// A Site that accepts links (`linkAccess: default`), as `skupper site create <name> --enable-link-access` writes it.
    public static func site(_ name: String = "west") -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata:
          name: \(name)
        spec:
          linkAccess: default
        """
    }

    /// A Listener (routing key defaulting to its name).
    public static func listener(_ name: String, port: Int, host: String = "0.0.0.0", routingKey: String? = nil) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata:
          name: \(name)
        spec:
          host: \(host)
          port: \(port)
          routingKey: \(routingKey ?? name)
        """
    }

    /// A Connector (routing key defaulting to its name).
    public static func connector(_ name: String, port: Int, host: String = "localhost", routingKey: String? = nil) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata:
          name: \(name)
        spec:
          host: \(host)
          port: \(port)
          routingKey: \(routingKey ?? name)
        """
    }

    /// A Link to east.example.com through the HTTP proxy of Secret `proxy`, and its TLS Secret (shaped PEM).
    public static func proxiedLink(_ name: String = "to-east", proxy: String = "corp-proxy") -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Link
        metadata: {name: \(name)}
        spec:
          tlsCredentials: \(name)
          endpoints: [{name: inter-router, host: east.example.com, port: "55671"}]
          settings: {proxy-configuration: \(proxy)}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: \(name)}
        data: \(TestPEM.dataFlow)
        """
    }
}
