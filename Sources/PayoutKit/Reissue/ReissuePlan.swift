/// What `reissue` would do, shown before anything changes: the selected items by err_code
/// (REFUND for refunded packets), the items it leaves alone and why, and the budget.
public struct ReissuePlan: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        /// An err_code, REFUND, or — for items left alone — the reason.
        public var label: String
        public var count: Int
        public var amount: Amount
    }

    /// Selected, by err_code, largest first.
    public var groups: [Group]
    /// Not selected, by reason, largest first; claimed and unrefunded packets are not listed
    /// unless `--refunded` asked about refunds.
    public var excluded: [Group]
    /// The selected items, in CSV order: the transition re-selects and must find exactly these.
    public var itemIDs: [Int]
    /// Paid (net of refunds, earlier bill numbers included) and still to be paid, before the reissue.
    public var committed: Amount
    public var budget: Amount?

    public var total: CampaignStatus.Tally {
        groups.reduce(into: CampaignStatus.Tally()) { sum, group in
            sum.count += group.count
            sum.amount = sum.amount + group.amount
        }
    }

    /// What the campaign would have paid or still owe once the selection is paid.
    public var committedAfter: Amount { committed + total.amount }

    public var isOverBudget: Bool {
        budget.map { committedAfter > $0 } ?? false
    }

    static let expiredAnswer = "failed PARAM_ERROR \"该订单已经过期\" (by an earlier payout): says nothing about whether the "
        + "first request paid; check its bill number in the merchant platform"

    /// Why an item in this state is not selected; nil when it needs no word (a claimed
    /// packet, or an unrefunded one when refunds were not asked about).
    static func exclusion(state: ItemState, errCode: String?, packetStatus: String?, selection: ReissueSelection) -> String? {
        switch state {
        case .pending:
            return "pending (not paid yet): payout run sends it under its own bill number"
        case .sending, .retrying:
            return "\(state.rawValue) (outcome unknown): payout run settles it under its own bill number"
        case .failed:
            let code = errCode ?? "without an err_code"
            guard let errCode, ErrorCode.provenUnpaid.contains(ErrorCode(errCode)) else {
                return "failed \(code): does not prove the item unpaid (a payment may exist under its bill number)"
            }
            return "failed \(code): not in --codes"
        case .sent:
            switch packetStatus {
            case HongbaoRecord.Status.refunded.rawValue:
                return "refunded (unclaimed): pass --refunded to pay them again"
            case HongbaoRecord.Status.refunding.rawValue where selection.refunded:
                return "refund under way (RFUND_ING): payout reconcile again later"
            case HongbaoRecord.Status.sent.rawValue where selection.refunded, nil where selection.refunded:
                return "not refunded (SENT, or not reconciled yet): payout reconcile first"
            default:
                return nil
            }
        }
    }
}

/// Why `reissue` changed nothing although items were selected.
public enum ReissueRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Paying the selection would take the campaign past the manifest's budget.
    case overBudget(committed: Amount, selected: Amount, budget: Amount)
    /// The ledger no longer holds the selection that was shown.
    case selectionChanged

    public var description: String {
        switch self {
        case .overBudget(let committed, let selected, let budget):
            return "reissue refused: paid and to be paid would come to \(committed + selected) yuan "
                + "(\(committed) yuan already, \(selected) yuan reissued), above the manifest's budget of \(budget) yuan; "
                + "nothing changed. Raise budget in the manifest, or narrow the selection with --codes"
        case .selectionChanged:
            return "reissue refused: the ledger changed after the selection was shown; nothing changed. Run reissue again"
        }
    }
}
