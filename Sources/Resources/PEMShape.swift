import FoundationEssentials

/// The shape of PEM text, checked where a Secret is read: one or more `-----BEGIN X-----` ... `-----END X-----` blocks
/// of the expected kind whose bodies are base64 of DER (a SEQUENCE). Whether the certificate or key inside is usable
/// is the certificate stage's question; this only keeps text that is no PEM at all from replacing a file's last good
/// contents.
public enum PEMShape {
    /// Why `text` is not PEM blocks labelled `what` ("CERTIFICATE", "PRIVATE KEY": a label ending so), or nil.
    public static func problem(_ text: String, expecting what: String) -> String? {
        var found = 0
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.trimmingCharacters(in: " \t\r") }.filter { !$0.isEmpty }[...]
        while let first = lines.first {
            lines = lines.dropFirst()
            // Text outside the blocks (openssl's -text output, comments) is passed over, as Go's and OpenSSL's readers do.
            guard first.hasPrefix("-----BEGIN "), first.hasSuffix("-----"), first.count > 16 else { continue }
            let label = first.dropFirst(11).dropLast(5)
            var body = ""
            while let line = lines.first, !line.hasPrefix("-----") {
                body += line
                lines = lines.dropFirst()
            }
            guard lines.first == "-----END \(label)-----" else { return "has a PEM \(label) block without its -----END \(label)----- line" }
            lines = lines.dropFirst()
            guard let der = Data(base64Encoded: body), !der.isEmpty else { return "has a PEM \(label) block whose body is not base64" }
            // An EC key may come after its curve's parameters (openssl ecparam -genkey): the only other block allowed.
            if label.hasSuffix("PARAMETERS") { continue }
            guard label.hasSuffix(what) else { return "holds a PEM \(label) block where a \(what) is expected" }
            guard der.first == 0x30 else { return "has a PEM \(label) block whose body is not DER" }
            found += 1
        }
        return found == 0 ? "is not PEM: it holds no -----BEGIN \(what)----- block" : nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> Substring {
        var text = self
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return text
    }
}
