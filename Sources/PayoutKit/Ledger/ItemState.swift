/// Where one red packet stands. `sending` means a bill number is committed and a request
/// may be on the wire; `retrying` means an earlier request's outcome is unknown. Only
/// `sent` and `failed` are final.
public enum ItemState: String, Sendable, CaseIterable, Codable {
    case pending
    case sending
    case sent
    case failed
    case retrying
}
