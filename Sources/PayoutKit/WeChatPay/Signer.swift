/// WeChat Pay v2 request signing: the fields sent, minus `sign` and empty values, sorted by
/// name in byte order, joined as `name=value&…&key=API_KEY`, then MD5 (or HMAC-SHA256
/// keyed with the API key), upper-case hex. Values are signed raw, not URL-encoded.
public struct Signer: Sendable {
    public enum Algorithm: Sendable {
        case md5
        case hmacSHA256
    }

    public let key: APIKey
    public let algorithm: Algorithm

    public init(key: APIKey, algorithm: Algorithm = .md5) {
        self.key = key
        self.algorithm = algorithm
    }

    public func sign(_ fields: [String: String]) -> String {
        var message = [UInt8]()
        for (name, value) in fields.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
        where name != "sign" && !value.isEmpty {
            message.append(contentsOf: name.utf8)
            message.append(UInt8(ascii: "="))
            message.append(contentsOf: value.utf8)
            message.append(UInt8(ascii: "&"))
        }
        message.append(contentsOf: "key=".utf8)
        message.append(contentsOf: key.bytes)
        switch algorithm {
        case .md5:
            return Digest.upperHex(Digest.md5(message))
        case .hmacSHA256:
            return Digest.upperHex(Digest.hmacSHA256(key: key.bytes, message: message))
        }
    }

    /// Compares in constant time, so a server cannot be probed for a valid signature byte by byte.
    public func verify(_ fields: [String: String]) -> Bool {
        guard let claimed = fields["sign"] else { return false }
        let expected = sign(fields)
        guard claimed.utf8.count == expected.utf8.count else { return false }
        return zip(claimed.utf8, expected.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
