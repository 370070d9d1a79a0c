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
}

/// One change of an item's state that payout may make. `all` is the single list of them:
/// `Ledger.record` refuses any change an answer may not make, `claim` and `release` take
/// their states from it, the in-memory ledger of the scheduler's tests does the same, and
/// ItemStateMachineTests checks it, both ways, against the transition table of the Promela
/// model (Scheduler/ItemStateMachine.pml) that spin verifies — so the code and the model
/// cannot drift apart.
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

    /// Nothing leaves `sent` or `failed`: the ledger's `final_is_forever` trigger agrees.
    ///
    /// Not here yet: `payout reissue` (`Ledger.reissue`) moves a failed item proven unpaid, or
    /// a sent one whose packet was refunded, back to `pending` under a NEW bill number, the
    /// old one kept in `bill_history`; the ledger's triggers allow exactly that and nothing
    /// else. Listing it here and modelling it in ItemStateMachine.pml is open work.
    public static let all: [ItemTransition] = [
        claim,
        release,
        // A released item keeps its number; a later run sends it from `pending`.
        ItemTransition(.pending, .paid, .sent),
        ItemTransition(.pending, .unpaid, .failed),
        ItemTransition(.pending, .unknown, .retrying),
        ItemTransition(.sending, .paid, .sent),
        ItemTransition(.sending, .unpaid, .failed),
        ItemTransition(.sending, .unknown, .retrying),
        ItemTransition(.retrying, .paid, .sent),
        ItemTransition(.retrying, .unpaid, .failed),
        ItemTransition(.retrying, .unknown, .retrying),
    ]

    /// The events a request's answer brings; `claim` and `release` are the run's own.
    static let answers: Set<ItemEvent> = [.paid, .unpaid, .unknown]

    /// Refuses, naming the item and both states, a change an answer cannot make.
    static func checkAnswer(item id: Int, from: ItemState, to: ItemState) throws(LedgerError) {
        guard all.contains(where: { $0.from == from && $0.to == to && answers.contains($0.event) }) else {
            throw LedgerError("ledger: an answer cannot move item \(id) from \(from) to \(to): not in ItemTransition.all")
        }
    }
}
