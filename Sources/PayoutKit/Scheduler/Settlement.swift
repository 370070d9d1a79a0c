import Foundation

/// What a gethbinfo answer proves about an item — the contract's "settling what is still
/// unknown". Only a record of the item's bill number settles anything: one that matches the
/// item (recipient, amount) settles it as paid or failed; one of another payment proves this
/// item was not paid under that number (BILLNO_CONFLICT) — whether FATAL_ERROR led to the
/// question or age did, since an old item is never sent again to provoke a FATAL_ERROR and
/// would otherwise stay unknown for good (the item state model's `every_item_settles` found
/// that); a number still unknown to the server a day after its first request was never
/// accepted (EXPIRED). Anything else leaves the item unknown: sent again under its number
/// when that is still safe, asked again later when not.
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
        if !record.isRecord(of: item.billNumber) {
            self.init(unsettled: "gethbinfo answered for bill number \(record.billNumber)", for: item, now: now, policy: policy)
        } else if let other = record.otherPayment(openid: item.openid, amount: item.amount) {
            self.init(failed: .billNumberConflict, message: "\(other): another payment holds this number, not paid under it")
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
