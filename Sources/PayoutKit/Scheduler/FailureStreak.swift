/// Counts items failing in a row with the same set-up code (PARAM_ERROR, MONEY_LIMIT,
/// SENDNUM_LIMIT, RCVDAMOUNT_LIMIT). Five recipients in a row are not five recipients'
/// problems: the merchant's set-up is wrong, and failing the rest of the campaign at 30 a
/// second would only make work for reissue. Any other outcome breaks the row.
struct FailureStreak {
    /// Items in a row that stop the run.
    static let limit = 5

    private var code: ErrorCode?
    private var count = 0

    /// Notes one answer's outcome; the reason to stop when the row is long enough.
    mutating func note(_ outcome: SendOutcome) -> StopReason? {
        guard case .failed(let raw, let message) = outcome, ErrorCode.systematic.contains(ErrorCode(raw)) else {
            if outcome.isItemResult { reset() }
            return nil
        }
        let failed = ErrorCode(raw)
        count = failed == code ? count + 1 : 1
        code = failed
        return count >= Self.limit ? .repeatedFailure(failed, message: message, items: count) : nil
    }

    private mutating func reset() {
        code = nil
        count = 0
    }
}

extension SendOutcome {
    /// An answer about the item itself (paid, or not): throttles, quiet-window answers,
    /// unknown outcomes and stops say nothing about the recipients.
    var isItemResult: Bool {
        switch self {
        case .sent, .failed: return true
        case .unknown, .throttled, .quietWindow, .stopRun: return false
        }
    }
}
