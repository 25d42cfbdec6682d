/// Resource YAML used by the agent tests.
enum Fixtures {
    static let site = """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata:
          name: west
        spec:
          linkAccess: default
        """

    static func listener(_ name: String, port: Int, routingKey: String? = nil) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Listener
        metadata:
          name: \(name)
        spec:
          host: 0.0.0.0
          port: \(port)
          routingKey: \(routingKey ?? name)
        """
    }

    static func connector(_ name: String, port: Int, routingKey: String? = nil) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Connector
        metadata:
          name: \(name)
        spec:
          host: localhost
          port: \(port)
          routingKey: \(routingKey ?? name)
        """
    }
}
