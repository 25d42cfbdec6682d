import TextSupport

/// Kubernetes-style object metadata: name, namespace, labels and annotations.
public struct ObjectMeta: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var labels: [String: String]
    public var annotations: [String: String]
    /// The object's unique id; Skupper v2 writes its site id as the runtime Site's uid.
    public var uid: String?

    public init(name: String, namespace: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:], uid: String? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.uid = uid
    }

    /// Whether `name` is a lowercase RFC 1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters),
    /// as Skupper v2 requires of its resource names.
    public static func isValidLabel(_ name: String) -> Bool {
        guard isValidName(name), name.count <= 63 else { return false }
        return !name.utf8.contains(UInt8(ascii: "."))
    }

    /// Skupper v2's words for a name that is not a lowercase RFC 1123 label.
    public static func labelError(_ name: String) -> String {
        "invalid name \(QuotedText.excerpt(name)): a lowercase RFC 1123 name must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    }

    /// Whether `name` is a valid RFC 1123 DNS subdomain name, as Kubernetes object names (Secrets) must be:
    /// at most 253 characters, dot-separated labels of lower-case letters, digits and '-' that start and end with a
    /// letter or digit. Such a name is also a safe file name (never empty, ".", ".." or holding '/').
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            return isAlphanumeric(first) && isAlphanumeric(last) && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// Kubernetes' words for a name that is not a DNS subdomain name.
    public static func nameError(_ name: String) -> String {
        "invalid name \(QuotedText.excerpt(name)): a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
