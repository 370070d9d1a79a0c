/// The broken answers a real endpoint, proxy or network can produce. The sandbox pays
/// first, then answers badly: the dangerous case, where only a retry under the same bill
/// number may settle the item.
public enum BadAnswer: String, Sendable, CaseIterable {
    /// An HTML error page where XML was expected.
    case html
    case empty
    /// The first half of the real answer.
    case truncated
    /// A success that names another bill number.
    case wrongBillNumber = "wrong-billno"
    /// A success for another amount.
    case wrongAmount = "wrong-amount"
    /// A success with a signature that does not verify.
    case wrongSignature = "wrong-sign"
    case http500 = "http-500"
    case http502 = "http-502"
    case http504 = "http-504"
    /// The connection reset (RST) after the request was read.
    case reset

    /// Turns the real answer (its fields, and those encoded) into this bad one.
    func apply(to answer: [(String, String)], encode: ([(String, String)]) -> [UInt8]) -> SandboxReply.Answer {
        switch self {
        case .html:
            return .respond(status: 200, body: Array("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>".utf8))
        case .empty:
            return .respond(status: 200, body: [])
        case .truncated:
            let whole = encode(answer)
            return .respond(status: 200, body: Array(whole.prefix(whole.count / 2)))
        case .wrongBillNumber:
            return .respond(status: 200, body: encode(answer.map { name, value in
                name == "mch_billno" ? (name, String(value.dropLast()) + (value.hasSuffix("9") ? "8" : "9")) : (name, value)
            }))
        case .wrongAmount:
            return .respond(status: 200, body: encode(answer.map { name, value in
                name == "total_amount" ? (name, String((Int(value) ?? 0) + 1)) : (name, value)
            }))
        case .wrongSignature:
            return .respond(status: 200, body: encode(answer + [("sign", "0123456789ABCDEF0123456789ABCDEF")]))
        case .http500:
            return .respond(status: 500, body: Array("Internal Server Error".utf8))
        case .http502:
            return .respond(status: 502, body: Array("Bad Gateway".utf8))
        case .http504:
            return .respond(status: 504, body: Array("Gateway Timeout".utf8))
        case .reset:
            return .reset
        }
    }
}

/// The sandbox's server certificate: a valid one, or one of the ways a server can be
/// untrustworthy, for the client's hostile-TLS tests.
public enum ServerCertificate: String, Sendable, CaseIterable {
    case valid
    case expired
    /// Valid, but for another host name.
    case wrongHost = "wrong-host"
    /// Signed by itself, not by the CA in `ca.pem`.
    case selfSigned = "self-signed"
}
