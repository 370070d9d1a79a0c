import COpenSSL

/// Randomness for values an attacker must not predict (nonce_str), from OpenSSL's CSPRNG.
public enum SecureRandom {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    public static func bytes(_ count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let ok = RAND_bytes(&buffer, Int32(count))
        precondition(ok == 1, "RAND_bytes failed: the system has no entropy source")
        return buffer
    }

    /// `length` characters of [A-Za-z0-9], drawn without modulo bias.
    public static func alphanumeric(_ length: Int) -> String {
        var result = [UInt8]()
        result.reserveCapacity(length)
        let limit = UInt8(256 - 256 % alphabet.count)
        while result.count < length {
            for byte in bytes(length) where byte < limit && result.count < length {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
