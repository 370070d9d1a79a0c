import PayoutKit

/// The gethbinfo statuses a packet's lifecycle never reaches in the sandbox, forced onto a
/// bill number so that every branch of a client's settling code can run end to end.
public enum ForcedQueryStatus: Sendable, CaseIterable {
    /// The server accepted the request and is still paying: nothing is settled yet.
    case sending
    /// The server holds the request and did not pay it. Forced onto a number the sandbox
    /// paid, it is the contradiction a reconcile must report, never apply.
    case failed

    var status: HongbaoRecord.Status {
        switch self {
        case .sending: .sending
        case .failed: .failed
        }
    }
}
