/// Why an answer stops the whole run rather than settling one item: the merchant's set-up,
/// money or trust is wrong, and no retry can help until the operator acts. The item keeps
/// its bill number and state.
public enum StopReason: Sendable, Equatable {
    /// The server refused with an err_code whose policy is to stop: NOTENOUGH, NOAUTH,
    /// SIGN_ERROR, CA_ERROR, SENDAMOUNT_LIMIT…
    case refused(ErrorCode, message: String)
    /// `return_code FAIL` whose `return_msg` says the signature or the request's format is
    /// wrong (签名失败, 参数格式校验错误) without an err_code.
    case requestRejected(message: String)
    /// TLS refused by either side: the server is not trusted, or it refused our certificate.
    case tlsRefused(message: String)
    /// The request could not be built at all (a field the XML codec refuses).
    case invalidRequest(message: String)
    /// `items` items in a row failed with the same set-up code (PARAM_ERROR, MONEY_LIMIT…):
    /// the merchant's set-up is wrong, not the recipients.
    case repeatedFailure(ErrorCode, message: String, items: Int)
    /// gethbinfo knows the first bill number the run was about to use for the first time:
    /// another ledger or machine of the merchant used it, and nothing was sent.
    case billNumberInUse(BillNumber)

    /// A reason read back from the ledger's run history, where only its code and message
    /// are kept: the report shows nothing more.
    init(code: String, message: String) {
        switch code {
        case "FAIL": self = .requestRejected(message: message)
        case "TLS_ERROR": self = .tlsRefused(message: message)
        case "INVALID_REQUEST": self = .invalidRequest(message: message)
        case Self.billNumberInUseCode:
            guard let billNumber = message.split(separator: " ").lazy.compactMap({ BillNumber(String($0)) }).first else {
                self = .refused(ErrorCode(code), message: message)
                return
            }
            self = .billNumberInUse(billNumber)
        default: self = .refused(ErrorCode(code), message: message)
        }
    }

    /// The code recorded in the ledger's audit trail and shown to the operator.
    public var code: String {
        switch self {
        case .refused(let code, _), .repeatedFailure(let code, _, _): return code.rawValue
        case .requestRejected: return "FAIL"
        case .tlsRefused: return "TLS_ERROR"
        case .invalidRequest: return "INVALID_REQUEST"
        case .billNumberInUse: return Self.billNumberInUseCode
        }
    }

    public var message: String {
        switch self {
        case .refused(_, let message), .requestRejected(let message), .tlsRefused(let message),
             .invalidRequest(let message), .repeatedFailure(_, let message, _):
            return message
        case .billNumberInUse(let billNumber):
            return "the new bill number \(billNumber), which this machine's merchant registry had never handed out, is already "
                + "known to the server: another machine pays for this merchant with the same merchant.site, or this run's "
                + "PAYOUT_HOME is not the one the merchant's earlier runs used (or was lost). Nothing was sent. Run with the "
                + "PAYOUT_HOME of the earlier runs; a second machine needs its own merchant.site (for its new campaigns)."
        }
    }

    static let billNumberInUseCode = "BILLNO_IN_USE"
}
