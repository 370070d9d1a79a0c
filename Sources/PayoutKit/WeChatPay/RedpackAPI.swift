/// The run's view of the red packet API: pay one item, ask about one bill number.
/// `RedpackClient` speaks it over HTTPS; the scheduler's unit tests script it, so the run's
/// hard cases are tested exactly, without TLS or a server.
public protocol RedpackAPI: Sendable {
    /// One attempt at paying `request`; every way the exchange can end is an outcome.
    func send(_ request: RedpackRequest) async -> SendResult
    /// What the server knows about a bill number: how a lingering unknown is settled.
    func query(_ billNumber: BillNumber) async -> QueryOutcome
    /// The run's in-flight window is now `count`: keep that many connections open for
    /// reuse and close the rest as they come free, so the pool follows the window.
    func keepConnections(_ count: Int)
}
