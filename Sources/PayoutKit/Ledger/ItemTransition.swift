/// What moves an item from one state to another.
public enum ItemEvent: String, Sendable, CaseIterable {
    /// The item gets its bill number, committed before its first request.
    case claim
    /// The run ends before sending a claimed item: back to `pending`, keeping the number.
    case release
    /// An answer proves the payment: sendredpack SUCCESS, or gethbinfo's record of it.
    case paid
    /// An answer proves the item was not paid under its number and never will be: an item
    /// refusal (SEND_FAILED, OPENID_ERROR, MONEY_LIMIT…), gethbinfo FAILED, BILLNO_CONFLICT,
    /// EXPIRED.
    case unpaid
    /// Anything short of proof: an unknown outcome, a throttle, the quiet window, a stop-run
    /// answer, no answer at all.
    case unknown
    /// `payout reissue` (`Ledger.reissue`): the operator's decision to pay again, never an
    /// answer's. Only with proof that the item holds no payment — a failure whose err_code
    /// proves it unpaid under its number, or a packet gethbinfo says was refunded — and
    /// always under a NEW bill number: the old one goes into `bill_history` and is never
    /// used again, so a request for it still on the wire can never pay a second time.
    case reissue
}

/// One change of an item's state that payout may make. `all` is the single list of them:
/// `Ledger.record` refuses any change an answer may not make, `claim`, `release` and
/// `Ledger.reissue` take their states from it, the in-memory ledger of the scheduler's tests
/// does the same, and ItemStateMachineTests checks it, both ways, against the transition
/// table of the Promela model (Scheduler/ItemStateMachine.pml) that spin verifies — so the
/// code and the model cannot drift apart — and holds the ledger's triggers to it.
public struct ItemTransition: Sendable, Hashable {
    public let from: ItemState
    public let event: ItemEvent
    public let to: ItemState

    private init(_ from: ItemState, _ event: ItemEvent, _ to: ItemState) {
        self.from = from
        self.event = event
        self.to = to
    }

    public static let claim = ItemTransition(.pending, .claim, .sending)
    public static let release = ItemTransition(.sending, .release, .pending)
    /// A failed item whose err_code proves it unpaid (`ErrorCode.provenUnpaid`), back to
    /// `pending` under a new bill number.
    public static let reissueUnpaid = ItemTransition(.failed, .reissue, .pending)
    /// A sent item whose packet was refunded (packet_status REFUND, from `payout reconcile`;
    /// `reissue --refunded`), back to `pending` under a new bill number.
    public static let reissueRefunded = ItemTransition(.sent, .reissue, .pending)

    /// No answer moves an item out of `sent` or `failed`: only `reissue` does, and the
    /// ledger's triggers (`final_is_forever`, `bill_number_is_forever`, with
    /// `bill_history_proves_unpaid`) allow it only together with a `bill_history` row that
    /// keeps the old number, proves the item unpaid under it and names the new one.
    public static let all: [ItemTransition] = [
        claim,
        release,
        // A released or reissued item keeps its number and is marked `sending` again (`claim`,
        // `Ledger.markSending`) before its request; answers straight from `pending` were how
        // earlier versions recorded it, and the model keeps them as safe.
        ItemTransition(.pending, .paid, .sent),
        ItemTransition(.pending, .unpaid, .failed),
        ItemTransition(.pending, .unknown, .retrying),
        ItemTransition(.sending, .paid, .sent),
        ItemTransition(.sending, .unpaid, .failed),
        ItemTransition(.sending, .unknown, .retrying),
        ItemTransition(.retrying, .paid, .sent),
        ItemTransition(.retrying, .unpaid, .failed),
        ItemTransition(.retrying, .unknown, .retrying),
        // A reissued item is sent from `pending` under its new number, like a released one.
        reissueUnpaid,
        reissueRefunded,
    ]

    /// The events a request's answer brings; `claim` and `release` are the run's own, and
    /// `reissue` the operator's.
    static let answers: Set<ItemEvent> = [.paid, .unpaid, .unknown]

    /// The transitions `reissue` makes: the states it takes items from, and the one it
    /// leaves them in.
    static let reissues = all.filter { $0.event == .reissue }

    /// Refuses, naming the item and both states, a change an answer cannot make.
    static func checkAnswer(item id: Int, from: ItemState, to: ItemState) throws(LedgerError) {
        guard all.contains(where: { $0.from == from && $0.to == to && answers.contains($0.event) }) else {
            throw LedgerError("ledger: an answer cannot move item \(id) from \(from) to \(to): not in ItemTransition.all")
        }
    }
}
