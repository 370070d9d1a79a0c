import Foundation
@testable import PayoutKit
import Synchronization

/// The red packet API as a script: each recipient's requests are answered in turn by what
/// the test wrote for them, and — like the real server — a bill number is paid at most once
/// and re-entry with the same fields answers the first payment again. Answers written as
/// XML fields go through the real `AnswerPolicy`, so the fake never decides what an answer
/// means. Every request is logged in order, so a test asserts exactly what was asked.
actor ScriptedAPI: RedpackAPI {
    /// What the server does with one sendredpack request.
    enum Send: Sendable {
        /// Pay (or find the earlier payment) and answer SUCCESS.
        case pay
        /// Pay, then the answer is lost on the way back.
        case payAndLoseAnswer
        /// TLS refused after the request may have gone out (a refused client certificate
        /// under TLS 1.3 surfaces after the handshake).
        case refuseTLS
        /// No answer within `after`, the client's request timeout; nothing is paid.
        case timeOut(after: Duration)
        /// Answer with these fields without paying (PROCESSING, an echo of another openid…).
        case answer([(String, String)])
        /// Pay, then answer with these fields (PROCESSING for a payment under way…).
        case payAndAnswer([(String, String)])
        /// Hold the request until `count` sends have arrived, then answer `then`.
        indirect case afterArrivals(Int, then: Send)
        /// Hold the request until the test opens `gate`, then answer `then`.
        indirect case afterGate(String, then: Send)
        /// Someone else's payment lands under the bill number after the run's probe and just
        /// before this request: then answer `then`.
        indirect case paidElsewhereFirst(to: String, amount: Amount, then: Send)
    }

    /// What gethbinfo says about one bill number.
    enum Query: Sendable {
        /// The record of the bill number's payment, or of its request, with this status.
        case status(HongbaoRecord.Status)
        case notFound
    }

    enum Request: Hashable, Sendable, CustomStringConvertible {
        case send(BillNumber)
        case query(BillNumber)

        var isSend: Bool {
            if case .send = self { true } else { false }
        }

        var description: String {
            switch self {
            case .send(let bill): return "send \(bill)"
            case .query(let bill): return "query \(bill)"
            }
        }
    }

    struct Payment: Equatable {
        var openid: String
        var amount: Amount
        var listID: String
    }

    private var sends: [String: [Send]]
    private var queries: [String: [Query]]
    /// Answers the first requests whoever they are for, before any recipient's script.
    private var first: [Send]
    private let clock: (any RunClock)?
    private let latency: @Sendable (_ arrival: Int) -> Duration
    private let kept = Mutex<[Int]>([])
    private(set) var requests: [Request] = []
    /// When each request arrived, by `clock`.
    private(set) var requestTimes: [Date] = []
    private var droppedQueries = 0
    private(set) var payments: [BillNumber: Payment] = [:]
    private var sent: [BillNumber: RedpackRequest] = [:]
    private var arrivals = 0
    private var openGates: Set<String> = []
    private var waiters: [(ready: () -> Bool, resume: CheckedContinuation<Void, Never>)] = []
    private let signer = Signer(key: APIKey("192006250b4c09247ec02edce69f6a2d"))

    /// Scripts by openid; a recipient without one (or past its end) is paid. `latency`
    /// gives the latency each send's answer reports, by arrival (1 for the first send).
    init(
        sends: [String: [Send]] = [:], queries: [String: [Query]] = [:], first: [Send] = [], clock: (any RunClock)? = nil,
        latency: @escaping @Sendable (_ arrival: Int) -> Duration = { _ in .zero }
    ) {
        self.sends = sends
        self.queries = queries
        self.first = first
        self.clock = clock
        self.latency = latency
    }

    /// The connection pool sizes the run asked for, in order.
    nonisolated var keptConnections: [Int] {
        kept.withLock { $0 }
    }

    nonisolated func keepConnections(_ count: Int) {
        kept.withLock { $0.append(count) }
    }

    /// Someone else's payment under `billNumber`: another ledger, machine or system.
    func paid(_ billNumber: BillNumber, to openid: String, amount: Amount) {
        payments[billNumber] = Payment(openid: openid, amount: amount, listID: "9000\(payments.count + 1)")
    }

    func send(_ request: RedpackRequest) async -> SendResult {
        log(.send(request.billNumber))
        sent[request.billNumber] = request
        arrivals += 1
        wakeWaiters()
        let step = first.isEmpty ? next(&sends, request.openid) : first.removeFirst()
        return await perform(step ?? .pay, request, latency: latency(arrivals))
    }

    private func log(_ request: Request) {
        requests.append(request)
        if let clock { requestTimes.append(clock.now()) }
    }

    /// Lets the requests held at `gate` go on.
    func open(_ gate: String) {
        openGates.insert(gate)
        wakeWaiters()
    }

    /// The recipient's query script, else the truth: SENT once paid, NOT_FOUND before.
    /// The next `count` gethbinfo requests get no answer.
    func dropQueries(_ count: Int) {
        droppedQueries = count
    }

    func query(_ billNumber: BillNumber) async -> QueryOutcome {
        log(.query(billNumber))
        if droppedQueries > 0 {
            droppedQueries -= 1
            return .unknown(reason: "no answer")
        }
        let payment = payments[billNumber]
        let asked = sent[billNumber]
        let truth: Query = payment == nil ? .notFound : .status(.sent)
        guard case .status(let status) = asked.flatMap({ next(&queries, $0.openid) }) ?? truth else { return .notFound }
        return .found(HongbaoRecord(
            billNumber: billNumber.rawValue, status: status, detailID: payment?.listID ?? "",
            openid: payment?.openid ?? asked?.openid, amount: payment?.amount ?? asked?.amount,
            reason: status == .failed ? "发放失败" : nil))
    }

    private func perform(_ step: Send, _ request: RedpackRequest, latency: Duration) async -> SendResult {
        switch step {
        case .pay:
            return classify(pay(request).map(success) ?? Self.fatalError, request, latency: latency)
        case .payAndLoseAnswer:
            _ = pay(request)
            return SendResult(outcome: .unknown(reason: "connection lost"), errCode: nil, errCodeDescription: nil, latency: latency)
        case .refuseTLS:
            let refusal = StopReason.tlsRefused(message: "TLS refused: tlsv13 alert certificate required")
            return SendResult(outcome: .stopRun(refusal), errCode: nil, errCodeDescription: nil, latency: latency)
        case .timeOut(let after):
            return SendResult(outcome: .unknown(reason: "timed out"), errCode: nil, errCodeDescription: nil, latency: after)
        case .answer(let fields):
            return classify(fields, request, latency: latency)
        case .payAndAnswer(let fields):
            return classify(pay(request) == nil ? Self.fatalError : fields, request, latency: latency)
        case .afterArrivals(let count, let then):
            await wait { self.arrivals >= count }
            return await perform(then, request, latency: latency)
        case .afterGate(let gate, let then):
            await wait { self.openGates.contains(gate) }
            return await perform(then, request, latency: latency)
        case .paidElsewhereFirst(let openid, let amount, let then):
            paid(request.billNumber, to: openid, amount: amount)
            return await perform(then, request, latency: latency)
        }
    }

    /// The first payment under the bill number, or a new one. A re-sent number whose
    /// recipient or amount differs is the real server's FATAL_ERROR, never a payment.
    private func pay(_ request: RedpackRequest) -> Payment? {
        if let earlier = payments[request.billNumber] {
            return earlier.openid == request.openid && earlier.amount == request.amount ? earlier : nil
        }
        let payment = Payment(openid: request.openid, amount: request.amount, listID: "1000\(payments.count + 1)")
        payments[request.billNumber] = payment
        return payment
    }

    static let fatalError: [(String, String)] = [
        ("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", "FATAL_ERROR"),
        ("err_code_des", "该订单号已存在,参数与原单不一致"),
    ]

    private func success(_ payment: Payment) -> [(String, String)] {
        [("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("re_openid", payment.openid),
         ("total_amount", String(payment.amount.fen)), ("send_listid", payment.listID)]
    }

    private func classify(_ fields: [(String, String)], _ request: RedpackRequest, latency: Duration) -> SendResult {
        let body = try! XMLMessage.encode(fields.map { (name: $0.0, value: $0.1) })
        let answer = AnswerPolicy.classifySend(.success(HTTPResponse(status: 200, body: body)), request: request, signer: signer)
        return SendResult(outcome: answer.outcome, errCode: answer.errCode, errCodeDescription: answer.errCodeDescription, latency: latency)
    }

    private func next<Step>(_ scripts: inout [String: [Step]], _ openid: String) -> Step? {
        guard var script = scripts[openid], !script.isEmpty else { return nil }
        let step = script.removeFirst()
        scripts[openid] = script
        return step
    }

    private func wait(until ready: @escaping () -> Bool) async {
        guard !ready() else { return }
        await withCheckedContinuation { waiters.append((ready, $0)) }
    }

    private func wakeWaiters() {
        let due = waiters.filter { $0.ready() }
        waiters.removeAll { $0.ready() }
        due.forEach { $0.resume.resume() }
    }
}
