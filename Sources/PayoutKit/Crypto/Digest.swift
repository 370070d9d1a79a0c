import COpenSSL

/// The two digests WeChat Pay v2 signs with, computed by OpenSSL's EVP API.
enum Digest {
    static func md5(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = EVP_Digest(message, message.count, &output, &length, EVP_md5(), nil)
        precondition(ok == 1, "EVP_Digest(MD5) failed")
        return Array(output.prefix(Int(length)))
    }

    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &output, &length)
        precondition(result != nil, "HMAC(SHA-256) failed")
        return Array(output.prefix(Int(length)))
    }

    static func upperHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
