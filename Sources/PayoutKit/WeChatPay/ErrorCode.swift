/// An `err_code` from the API and what payout does about it — the policy table of
/// `redpack-api.md`. Codes not in the table (including numeric ones such as 268458547)
/// leave the outcome unknown: the item keeps its bill number and is asked about again.
public struct ErrorCode: Sendable, Hashable, CustomStringConvertible {
    public enum Policy: Sendable, Equatable {
        /// Outcome unknown: retry with the same bill number and fields.
        case retry
        /// A record already exists under this bill number (FATAL_ERROR): never sent again
        /// before gethbinfo says whose payment it is.
        case settle
        /// The API asks the whole run to slow down; retry the item later.
        case throttle
        /// The quiet window is on at the server; pause until it ends.
        case quietWindow
        /// Merchant set-up, money or daily cap: stop the run, change no item.
        case stopRun
        /// This item can never be paid under this bill number.
        case failItem
    }

    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public var policy: Policy {
        Self.policies[rawValue] ?? .retry
    }

    private static let policies: [String: Policy] = {
        var table = [String: Policy]()
        for code in ["SYSTEMERROR", "PROCESSING"] { table[code] = .retry }
        for code in ["FREQ_LIMIT", "SECOND_OVER_LIMITED"] { table[code] = .throttle }
        table["TIME_LIMITED"] = .quietWindow
        for code in ["NOTENOUGH", "NOAUTH", "SIGN_ERROR", "CA_ERROR", "XML_ERROR", "ILLEGAL_APPID",
                     "API_METHOD_CLOSED", "MSGAPPID_ERROR", "ACCEPTMODE_ERROR", "SENDAMOUNT_LIMIT"] {
            table[code] = .stopRun
        }
        table[fatalError.rawValue] = .settle
        for code in ["OPENID_ERROR", "MONEY_LIMIT", "PARAM_ERROR", "NO_AUTH",
                     "SENDNUM_LIMIT", "RCVDAMOUNT_LIMIT", "SEND_FAILED"] {
            table[code] = .failItem
        }
        return table
    }()

    public static let processing = ErrorCode("PROCESSING")
    public static let fatalError = ErrorCode("FATAL_ERROR")
    /// Payout's own codes for items proven unpaid after settling: the bill number belongs to
    /// another payment, or the server never accepted it and its re-entry window has passed.
    public static let billNumberConflict = ErrorCode("BILLNO_CONFLICT")
    public static let expired = ErrorCode("EXPIRED")
    /// gethbinfo's FAILED: the packet was not sent.
    public static let failed = ErrorCode("FAILED")

    /// The failures that prove the item was not paid under its bill number — every code the
    /// policy fails an item with, and payout's own after settling with gethbinfo (FAILED,
    /// BILLNO_CONFLICT, EXPIRED): what `reissue` may pay again under a new number. FATAL_ERROR
    /// is not one (a record exists under the number), whatever an older payout recorded.
    public static let provenUnpaid: Set<ErrorCode> = Set(policies.filter { $0.value == .failItem }.map { ErrorCode($0.key) })
        .union([billNumberConflict, expired, failed])

    /// Item failures that, five times in a row, mean the merchant's set-up is wrong rather
    /// than five recipients: the run stops instead of failing the rest of the campaign.
    public static let systematic: Set<ErrorCode> = [
        ErrorCode("PARAM_ERROR"), ErrorCode("MONEY_LIMIT"), ErrorCode("SENDNUM_LIMIT"), ErrorCode("RCVDAMOUNT_LIMIT"),
    ]

    /// The wording of a re-sent bill number older than the server's re-entry window. It
    /// says nothing about whether the first request paid, so it is never a failure.
    static let expiredBillNumberMessage = "该订单已经过期"

    /// return_msg values of a `return_code` FAIL that mean our request or key is wrong,
    /// not that the server was busy: the live API says 签名错误, the seed 签名失败.
    static let setupFailureMessages: Set<String> = ["签名错误", "签名失败", "参数格式校验错误"]
}
