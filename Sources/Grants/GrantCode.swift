/// Secret codes for access grants: 24 characters from [a-zA-Z0-9] (about 143 bits), as Skupper v2 generates them.
public enum GrantCode {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// A new random code from the system's cryptographic generator, without modulo bias.
    public static func generate(length: Int = 24) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        while bytes.count < length {
            let value = UInt8.random(in: 0...255, using: &generator)
            // 248 = 4 * 62: values at or above it would bias the first characters.
            if value < 248 { bytes.append(alphabet[Int(value) % alphabet.count]) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Compares two codes in time that depends only on their lengths, not on where they differ.
    public static func matches(_ presented: some Collection<UInt8>, _ expected: String) -> Bool {
        let expectedBytes = Array(expected.utf8)
        var difference = UInt8(presented.count == expectedBytes.count ? 0 : 1)
        var index = 0
        for byte in presented {
            difference |= byte ^ (index < expectedBytes.count ? expectedBytes[index] : 0)
            index += 1
        }
        return difference == 0 && !expectedBytes.isEmpty
    }
}
