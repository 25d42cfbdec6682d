import FoundationEssentials
import TextSupport

/// The HTTP proxy a Link's router connection goes through (a router `proxyProfile`). As on a Skupper v2 Kubernetes
/// site, the Link's `spec.settings.proxy-configuration` names a Secret (there a `kubernetes.io/basic-auth` one)
/// whose data holds the proxy's `host` and `port` and, for basic authentication, `username` and `password`. The
/// profile takes the Secret's name; the password reaches the router as a file (`runtime/proxies/<name>/password.txt`),
/// never in `skrouterd.json`.
public struct ProxyProfile: Sendable, Hashable {
    public var name: String
    public var host: String
    public var port: String
    public var username: String?
    public var password: String?

    public init(name: String, host: String, port: String, username: String? = nil, password: String? = nil) {
        self.name = name
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// The Link setting that names the profile's Secret.
    public static let setting = "proxy-configuration"
    /// The file under the profile's directory the router reads the password from.
    public static let passwordFile = "password.txt"
    /// The longest password the router reads from its file (one line, 199 bytes).
    static let maximumPasswordLength = 199

    /// The profile a Link names, nil when it names none.
    public static func name(of link: LinkSpec) -> String? {
        link.settings[setting].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The profile held by a Secret, or why the Secret cannot be one (in words that follow the Secret's name).
    public static func from(_ secret: TypedResource<SecretSpec>) -> Result<ProxyProfile, ProxyProfileError> {
        let spec = secret.spec
        func text(_ key: String) -> String? { spec.text(key).flatMap { $0.isEmpty ? nil : $0 } }
        guard let host = text("host")?.trimmingWhitespace(), !host.isEmpty else {
            return .failure(ProxyProfileError("has no data.host (the proxy's host name or address)"))
        }
        guard let port = text("port")?.trimmingWhitespace(), !port.isEmpty else {
            return .failure(ProxyProfileError("has no data.port (the proxy's port)"))
        }
        guard let number = Int(port), (1...65535).contains(number) else {
            return .failure(ProxyProfileError("has data.port \"\(port)\", which is not a port number (1-65535)"))
        }
        let username = text("username"), password = spec.data["password"].flatMap { $0.isEmpty ? nil : $0 }
        switch (username, password) {
        case (nil, nil):
            return .success(ProxyProfile(name: secret.name, host: host, port: String(number)))
        case (.some, nil):
            return .failure(ProxyProfileError("has data.username but no data.password: basic authentication needs both"))
        case (nil, .some):
            return .failure(ProxyProfileError("has data.password but no data.username: basic authentication needs both"))
        case (.some(let username), .some(let password)):
            guard let text = String(data: password, encoding: .utf8), !text.contains("\n"), !text.contains("\r"), !text.contains("\0"),
                password.count <= maximumPasswordLength
            else {
                return .failure(ProxyProfileError("has a data.password the router cannot read: it must be one line of at most \(maximumPasswordLength) bytes"))
            }
            return .success(ProxyProfile(name: secret.name, host: host, port: String(number), username: username, password: text))
        }
    }
}

/// Why a Secret cannot serve as a proxy profile.
public struct ProxyProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
