/// What one sendredpack exchange means for the item, per the policy table. Only `sent`
/// and `failed` are final; every other case keeps the item's bill number for a later try.
public enum SendOutcome: Sendable, Equatable {
    case sent(sendListID: String)
    /// The money may or may not have moved: retry with the same bill number.
    case unknown(reason: String)
    case throttled(code: String)
    case quietWindow
    /// Stop the whole run; nothing about the item changes.
    case stopRun(StopReason)
    case failed(code: String, message: String)
}

/// One exchange as the ledger's audit trail wants it: the outcome plus the raw codes.
public struct SendResult: Sendable, Equatable {
    public var outcome: SendOutcome
    public var errCode: String?
    public var errCodeDescription: String?
    public var latency: Duration
}

extension SendOutcome {
    /// The attempts table's `outcome` column.
    var label: String {
        switch self {
        case .sent: return "sent"
        case .failed: return "failed"
        case .unknown: return "unknown"
        case .throttled: return "throttled"
        case .quietWindow: return "quiet_window"
        case .stopRun: return "stop_run"
        }
    }

    /// What the audit trail keeps besides the codes: why the outcome is unknown, or the
    /// server's message.
    var detail: String? {
        switch self {
        case .unknown(let reason): return reason
        case .stopRun(let reason): return reason.message
        case .failed(_, let message): return message
        case .sent, .throttled, .quietWindow: return nil
        }
    }
}
