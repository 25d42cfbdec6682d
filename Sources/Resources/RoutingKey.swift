/// What a routing key may be: it becomes a router address, a vanflow record's field and a line of status files, so it
/// is bounded (253 bytes, a DNS subdomain's length, which Skupper v2's command line asks routing keys to be) and holds
/// only printable ASCII without spaces (no control characters, no line or paragraph separators). Skupper v2's command
/// line narrows it further to lowercase DNS labels joined by dots; resources it wrote always pass.
public enum RoutingKey {
    public static let maximumLength = 253

    /// Why `key` is not a routing key, or nil when it is one.
    public static func problem(_ key: String) -> String? {
        let bytes = key.utf8
        guard !bytes.isEmpty else { return "is required" }
        guard bytes.count <= maximumLength else { return "is \(bytes.count) bytes long: a routing key has at most \(maximumLength)" }
        if let (offset, scalar) = key.unicodeScalars.enumerated().first(where: { !(0x21...0x7E).contains($0.element.value) }) {
            let code = String(scalar.value, radix: 16, uppercase: true)
            let shown = "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code
            return "has \(shown) at character \(offset + 1): a routing key holds printable ASCII only, without spaces"
                + " (Skupper v2 uses lowercase letters, digits, '-' and '.')"
        }
        return nil
    }
}
