#if canImport(Glibc)
    import Glibc
#endif

/// Host validation as Skupper v2 does it: an IP address, or lower-case labels joined by '.' or '-'.
public enum HostName {
    public static func isValid(_ host: String) -> Bool {
        if isIPAddress(host) { return true }
        var previousWasSeparator = true
        for character in host {
            if character == "." || character == "-" {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else if character.isASCII && (character.isLowercase || character.isNumber) {
                previousWasSeparator = false
            } else {
                return false
            }
        }
        return !host.isEmpty && !previousWasSeparator
    }

    /// Whether the text is an IPv4 or IPv6 address.
    public static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
