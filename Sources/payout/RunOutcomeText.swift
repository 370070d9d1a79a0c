import PayoutKit

/// What a run's end means for the operator, and the contract's exit status for it.
enum RunOutcomeText {
    static func exitStatus(for end: RunEnd) -> Int32 {
        switch end {
        case .complete: return 0
        case .merchantRefused: return ExitStatus.merchantRefused
        case .interrupted, .quietWindow, .retriesExhausted, .needsMerchantRecords, .dailyCaps, .billNumberUnchecked:
            return ExitStatus.temporary
        }
    }

    static func message(for end: RunEnd) -> String {
        switch end {
        case .complete:
            return "done: every item is final"
        case .interrupted:
            return "stopped: interrupted; requests in flight were finished and recorded. Run again to resume."
        case .quietWindow(let until):
            return "stopped: quiet hours until \(BeijingTime.clockTime(until)) Beijing time (--no-wait). Run again after that."
        case .retriesExhausted(let items):
            return "stopped: \(items) items still have unknown outcomes after this run's retries. Run again later: they keep their bill numbers."
        case .merchantRefused(let reason):
            return "stopped: " + advice(reason) + " Nothing was lost; run again once fixed."
        case .needsMerchantRecords(let items):
            return "stopped: \(items) items have been unknown for more than 30 days, longer than gethbinfo reaches back: "
                + "check their bill numbers (payout export) in the WeChat Pay merchant platform. payout will not send them again."
        case .dailyCaps(let items, let until):
            return "stopped: \(items) items wait because their recipients reached the daily caps (limits.per_user_daily_count, "
                + "limits.per_user_daily_amount) across the merchant's campaigns today; they can be paid from "
                + "\(BeijingTime.iso8601(until)) (--no-wait). Run again then."
        case .billNumberUnchecked(let billNumber, let reason):
            return "stopped: gethbinfo did not answer whether bill number \(billNumber) is unused (\(reason)); nothing was sent. Run again."
        }
    }

    static func advice(_ reason: StopReason) -> String {
        let message = reason.message
        switch reason {
        case .tlsRefused:
            return "TLS was refused (\(message)): check merchant.cert, merchant.key and merchant.ca_file."
        case .requestRejected:
            return "the server refused the request's signature or format (\(reason.code): \(message)): check merchant.api_key."
        case .invalidRequest:
            return "the server refused the merchant's configuration (\(reason.code): \(message))."
        case .billNumberInUse:
            return message
        case .repeatedFailure(let code, _, let items):
            return "\(items) items in a row failed with \(code) (\(message)): that is the merchant's set-up, not the recipients "
                + "(amount limits, scene_id, daily caps). The rest of the campaign was not sent; those \(items) items are failed "
                + "(payout reissue --codes \(code) can pay them once fixed)."
        case .refused(let code, _):
            return advice(code, message: message)
        }
    }

    private static func advice(_ code: ErrorCode, message: String) -> String {
        switch code.rawValue {
        case "NOTENOUGH":
            return "the merchant account is out of money (NOTENOUGH: \(message)): top it up in the WeChat Pay merchant platform."
        case "NOAUTH":
            return "the merchant lacks permission for the red packet API (NOAUTH: \(message)): ask WeChat Pay to enable it."
        case "SIGN_ERROR":
            return "the server refused the request's signature or format (\(code): \(message)): check merchant.api_key."
        case "CA_ERROR":
            return "the server refused the client certificate (CA_ERROR: \(message)): check merchant.cert."
        case "ILLEGAL_APPID", "MSGAPPID_ERROR":
            return "the server refused the app id (\(code): \(message)): check merchant.wxappid."
        case "SENDAMOUNT_LIMIT":
            return "the merchant's daily amount cap is reached (SENDAMOUNT_LIMIT: \(message)): run again tomorrow or raise the cap."
        default:
            return "the server refused the merchant's configuration (\(code): \(message))."
        }
    }
}
