/// What an err_code means, in the server's Chinese and in English, and what the operator does
/// about it — the seed error table and the policy table of `redpack-api.md`, written for the
/// person who reads the report rather than for the run. Advice marks commands with
/// backticks; `MANIFEST` stands for the campaign's manifest and `CODE` for the code.
public struct ErrorCodeGuide: Sendable, Equatable {
    public var chinese: String
    public var english: String
    public var advice: String

    /// Codes the table does not know (numeric ones included): the server's own message is
    /// then the best explanation there is.
    public static let unknown = ErrorCodeGuide(
        chinese: "", english: "A code payout does not know; the server's message says what happened.",
        advice: "Look the code up in the WeChat Pay documentation before paying anyone again.")

    /// Items still waiting with no err_code: the last request got no answer.
    public static let noAnswer = ErrorCodeGuide(
        chinese: "", english: "No answer arrived (timeout or lost connection): the outcome is not known yet.",
        advice: runAgain)

    public static func entry(_ code: String) -> ErrorCodeGuide {
        table[code] ?? unknown
    }

    private static let runAgain = "`payout run MANIFEST` asks again under the same bill number: nobody is paid twice."
    private static let reissue = "`payout reissue MANIFEST --codes CODE` pays them under new bill numbers."
    private static let nextDay = "Wait for the next Beijing day, then `payout reissue MANIFEST --codes CODE`."

    private static let table: [String: ErrorCodeGuide] = [
        "OPENID_ERROR": .init(chinese: "openid 错误", english: "The openid does not belong to this official account (wxappid).",
                              advice: "Check where the list came from; pay corrected rows as a new campaign. Reissuing the same openid fails again."),
        "MONEY_LIMIT": .init(chinese: "红包金额发放限制", english: "The amount is outside what the merchant may send (by default more than 1 and less than 200 yuan).",
                             advice: "Have the limit raised in the merchant platform, then " + reissue),
        "PARAM_ERROR": .init(chinese: "参数错误", english: "The server refused a field of the request; its message names it.",
                             advice: "Fix what the message names (an expired bill number needs nothing fixed), then " + reissue),
        "NO_AUTH": .init(chinese: "发放失败，此请求可能存在风险，已被微信拦截", english: "WeChat's risk control refused this recipient.",
                         advice: "Nothing to fix in the set-up; pay these recipients another way, or reissue once WeChat clears them."),
        "SENDNUM_LIMIT": .init(chinese: "该用户今日领取红包个数超过限制", english: "The recipient already had today's maximum number of packets from this merchant.",
                               advice: nextDay),
        "RCVDAMOUNT_LIMIT": .init(chinese: "该用户今日领取金额超过限制", english: "The recipient already had today's maximum amount from this merchant.",
                                  advice: nextDay),
        "SEND_FAILED": .init(chinese: "红包发放失败，请更换单号再重试", english: "Not paid, for certain.", advice: reissue),
        "FATAL_ERROR": .init(chinese: "该订单号已存在，参数与原单不一致", english: "Another payment already holds this bill number.",
                             advice: "Check the bill numbers in the merchant platform's records, then " + reissue),
        "FAILED": .init(chinese: "发放失败", english: "WeChat Pay's record of the bill number says the payment failed.", advice: reissue),
        "BILLNO_CONFLICT": .init(chinese: "商户单号已被其他红包使用", english: "The bill number paid another recipient or amount; this item was not paid under it.",
                                 advice: reissue),
        "EXPIRED": .init(chinese: "商户单号已过期，未被受理", english: "The server never accepted the bill number in 24 hours: not paid.", advice: reissue),
        "NOTENOUGH": .init(chinese: "余额不足", english: "The merchant account ran out of money; the run stopped.",
                           advice: "Top up the account in the WeChat Pay merchant platform, then `payout run MANIFEST`. Nothing was lost."),
        "NOAUTH": .init(chinese: "无权限", english: "The merchant has no permission for cash red packets; the run stopped.",
                        advice: "Ask WeChat Pay to enable cash red packets for the merchant, then `payout run MANIFEST`."),
        "SIGN_ERROR": .init(chinese: "签名错误", english: "The server refused the request's signature; the run stopped.",
                            advice: "Fix merchant.api_key in the manifest, then `payout run MANIFEST`."),
        "FAIL": .init(chinese: "签名或格式错误", english: "The server refused the request's signature or format; the run stopped.",
                      advice: "Fix merchant.api_key in the manifest, then `payout run MANIFEST`."),
        "CA_ERROR": .init(chinese: "证书错误", english: "The server refused the merchant's client certificate; the run stopped.",
                          advice: "Fix merchant.cert and merchant.key in the manifest, then `payout run MANIFEST`."),
        "TLS_ERROR": .init(chinese: "", english: "The HTTPS connection was refused before anything was sent; the run stopped.",
                           advice: "Fix merchant.cert, merchant.key or merchant.ca_file in the manifest, then `payout run MANIFEST`."),
        "ILLEGAL_APPID": .init(chinese: "非法appid", english: "The server refused the wxappid for this merchant; the run stopped.",
                               advice: "Bind the official account to the merchant in the merchant platform, then `payout run MANIFEST`."),
        "MSGAPPID_ERROR": .init(chinese: "触达消息给用户appid有误", english: "The server refused the wxappid for this merchant; the run stopped.",
                                advice: "Bind the official account to the merchant in the merchant platform, then `payout run MANIFEST`."),
        "API_METHOD_CLOSED": .init(chinese: "你的商户号API发放方式已关闭", english: "Sending by API is switched off for this merchant; the run stopped.",
                                   advice: "Switch API sending on in the merchant platform's red packet settings, then `payout run MANIFEST`."),
        "ACCEPTMODE_ERROR": .init(chinese: "领取方式错误", english: "The merchant's red packet settings refuse this way of sending; the run stopped.",
                                  advice: "Check the red packet product settings in the merchant platform, then `payout run MANIFEST`."),
        "INVALID_REQUEST": .init(chinese: "", english: "payout could not build a valid request from the campaign; the run stopped.",
                                 advice: "Read the message, correct the campaign, then `payout run MANIFEST`."),
        "XML_ERROR": .init(chinese: "输入xml参数格式错误", english: "The server could not read the request; the run stopped.",
                           advice: "Report it to whoever maintains payout, with the ledger file."),
        "SENDAMOUNT_LIMIT": .init(chinese: "商户今日发放金额超过限制", english: "The merchant's daily amount cap is reached; the run stopped.",
                                  advice: "Run again on the next Beijing day, or raise the cap in the merchant platform: `payout run MANIFEST`."),
        "SYSTEMERROR": .init(chinese: "系统繁忙", english: "WeChat Pay was busy: the outcome is not known yet.", advice: runAgain),
        "PROCESSING": .init(chinese: "请求已受理，请稍后使用原单号查询发放结果", english: "Accepted and still being processed.", advice: runAgain),
        "TIME_LIMITED": .init(chinese: "发送时间受限", english: "No sending between 00:00 and 08:00 Beijing time.",
                              advice: "`payout run MANIFEST` after 08:00 Beijing time."),
        "FREQ_LIMIT": .init(chinese: "超过频率限制", english: "Too many requests at once; payout slowed down.", advice: runAgain),
        "SECOND_OVER_LIMITED": .init(chinese: "按分钟发放受限", english: "More than the merchant's sends per minute; payout slowed down.", advice: runAgain),
    ]
}
