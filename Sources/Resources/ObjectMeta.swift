/// Kubernetes-style object metadata: name, namespace, labels and annotations.
public struct ObjectMeta: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(name: String, namespace: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    /// Whether `name` is a lowercase RFC 1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters),
    /// as Skupper v2 requires of its resource names.
    public static func isValidLabel(_ name: String) -> Bool {
        guard isValidName(name), name.count <= 63 else { return false }
        return !name.contains(".")
    }

    /// Skupper v2's words for a name that is not a lowercase RFC 1123 label.
    public static func labelError(_ name: String) -> String {
        "invalid name \"\(name)\": a lowercase RFC 1123 name must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    }

    /// Whether `name` is a valid RFC 1123 DNS subdomain name, as Kubernetes object names (Secrets) must be.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 253 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        guard name.allSatisfy({ allowed.contains($0) }) else { return false }
        guard let first = name.first, let last = name.last else { return false }
        return first.isLetter || first.isNumber ? (last.isLetter || last.isNumber) : false
    }
}
