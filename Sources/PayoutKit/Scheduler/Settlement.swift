import Foundation

/// What a gethbinfo answer proves about an item — the contract's "settling what is still
/// unknown". Only a record that matches the item (bill number, recipient, amount) settles
/// it as paid or failed; after FATAL_ERROR a record of another payment proves this item was
/// not paid under that number (BILLNO_CONFLICT); a number still unknown to the server a day
/// after its first request was never accepted (EXPIRED). Anything else leaves the item
/// unknown: sent again under its number when that is still safe, asked again later when not.
struct Settlement {
    var outcome: SendOutcome
    var errCode: String?
    var description: String?

    /// nil: nothing proven, and the item may be sent again.
    init?(_ answer: QueryOutcome, for item: WorkItem, now: Date, policy: RetryPolicy) {
        switch answer {
        case .found(let record):
            self.init(record, for: item, now: now, policy: policy)
        case .notFound where item.age(at: now) > policy.expiryAge:
            let message = "gethbinfo: NOT_FOUND \(Self.hours(item.age(at: now))) h after the first request: never accepted, not paid"
            self.init(failed: .expired, message: message)
        case .notFound:
            self.init(unsettled: "gethbinfo: NOT_FOUND", for: item, now: now, policy: policy, serverHasNoRecord: true)
        case .unknown(let reason), .throttled(code: let reason):
            self.init(unsettled: "gethbinfo: \(reason)", for: item, now: now, policy: policy)
        case .stopRun(let reason):
            self.init(outcome: .stopRun(reason), errCode: reason.code, description: reason.message)
        }
    }

    private init?(_ record: HongbaoRecord, for item: WorkItem, now: Date, policy: RetryPolicy) {
        if let contradiction = record.contradiction(billNumber: item.billNumber, openid: item.openid, amount: item.amount) {
            guard item.lastErrCode != ErrorCode.fatalError.rawValue else {
                self.init(failed: .billNumberConflict, message: "FATAL_ERROR, and \(contradiction): not paid under this number")
                return
            }
            self.init(unsettled: contradiction, for: item, now: now, policy: policy)
        } else if record.status.meansPaid {
            self.init(outcome: .sent(sendListID: record.detailID), errCode: nil, description: record.status.rawValue)
        } else if record.status == .failed {
            self.init(failed: .failed, message: record.reason ?? "gethbinfo: FAILED", description: record.reason)
        } else {
            self.init(unsettled: "gethbinfo: \(record.status.rawValue)", for: item, now: now, policy: policy)
        }
    }

    private init(outcome: SendOutcome, errCode: String?, description: String?) {
        self.outcome = outcome
        self.errCode = errCode
        self.description = description
    }

    private init(failed code: ErrorCode, message: String, description: String? = nil) {
        self.init(outcome: .failed(code: code.rawValue, message: message), errCode: code.rawValue, description: description ?? message)
    }

    /// Still unknown: nil (send again) while that is safe, else an unknown outcome that asks
    /// again later without sending.
    private init?(
        unsettled reason: String, for item: WorkItem, now: Date, policy: RetryPolicy, serverHasNoRecord: Bool = false
    ) {
        guard !policy.mayResendUnsettled(item, now: now, serverHasNoRecord: serverHasNoRecord) else { return nil }
        self.init(outcome: .unknown(reason: reason), errCode: nil, description: nil)
    }

    private static func hours(_ age: Duration) -> Int {
        Int(age / .seconds(3600))
    }
}
