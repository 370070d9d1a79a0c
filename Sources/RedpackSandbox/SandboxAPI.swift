import Foundation
import PayoutKit
import Synchronization

/// What the HTTP layer does with a request, after a delay.
struct SandboxReply {
    enum Answer {
        case respond(status: Int, body: [UInt8])
        /// Close the connection without a word (a lost answer).
        case hangUp
        /// Reset the connection (RST).
        case reset
    }

    var answer: Answer
    var delay: Duration
}

extension SandboxAPI.State {
    /// A payment an earlier sandbox made, read back from the state file.
    fileprivate mutating func restore(_ payment: SandboxPayment) {
        record.payments[payment.billNumber] = payment
        record.firstRequests[payment.billNumber] = SandboxRequest(at: payment.paidAt, fingerprint: payment.fingerprint)
        record.paidTotal += payment.amount
        nextListID += 1
    }
}

/// The sendredpack and gethbinfo semantics: checks, re-entry, payments and injected faults.
/// Transport-free, so the HTTP layer stays thin.
final class SandboxAPI: Sendable {
    fileprivate struct State {
        var record = SandboxRecord()
        var random: SeededRandom
        var recentRequests: [Date] = []
        var nextListID = 1
        var balance: Int?
        var systemErrorProbability: Double
        var lostProbability: Double
        var sendFailedProbability: Double
        var forcedBadAnswer: BadAnswer?
        var stateFile: SandboxStateFile?
        var latency: Duration
    }

    let configuration: SandboxConfiguration
    private let signer: Signer
    private let state: Mutex<State>
    private let journal: Mutex<FileHandle?>

    init(configuration: SandboxConfiguration) throws {
        self.configuration = configuration
        signer = Signer(key: APIKey(configuration.apiKey))
        var initial = State(
            random: SeededRandom(seed: configuration.seed), balance: configuration.balance,
            systemErrorProbability: configuration.systemErrorProbability, lostProbability: configuration.lostProbability,
            sendFailedProbability: configuration.sendFailedProbability, latency: configuration.latency)
        if let url = configuration.stateFile {
            let file = try SandboxStateFile(url: url)
            file.payments.forEach { initial.restore($0) }
            initial.stateFile = file
        }
        state = Mutex(initial)
        var handle: FileHandle?
        if let journal = configuration.journal {
            if !FileManager.default.fileExists(atPath: journal.path),
               !FileManager.default.createFile(atPath: journal.path, contents: nil) {
                throw SandboxError(message: "cannot create the journal \(journal.path)")
            }
            handle = try FileHandle(forWritingTo: journal)
            handle?.seekToEndOfFile()
        }
        self.journal = Mutex(handle)
    }

    var record: SandboxRecord {
        state.withLock { $0.record }
    }

    func raiseBalance(to fen: Int?) {
        state.withLock { $0.balance = fen }
    }

    func setFaults(systemError: Double, lost: Double, sendFailed: Double) {
        state.withLock { state in
            state.systemErrorProbability = systemError
            state.lostProbability = lost
            state.sendFailedProbability = sendFailed
        }
    }

    func setLatency(_ latency: Duration) {
        state.withLock { $0.latency = latency }
    }

    /// Every answer bad this way from now on, until cleared with nil.
    func forceBadAnswer(_ kind: BadAnswer?) {
        state.withLock { $0.forcedBadAnswer = kind }
    }

    func forceQueryStatus(billNumber: String, status: ForcedQueryStatus?) {
        state.withLock { $0.record.forcedQueryStatuses[billNumber] = status }
    }

    func noteConnection() {
        state.withLock { $0.record.connections += 1 }
    }

    func handle(path: String, body: [UInt8]) -> SandboxReply {
        let delay = state.withLock { state in
            let jitter = configuration.latencyJitter.milliseconds
            let offset = jitter > 0 ? Int.random(in: -jitter...jitter, using: &state.random) : 0
            let slow = state.random.chance(configuration.slowProbability) ? configuration.slowDelay.milliseconds : 0
            return Duration.milliseconds(max(0, state.latency.milliseconds + offset) + slow)
        }
        switch path {
        case "/mmpaymkttransfers/sendredpack":
            return SandboxReply(answer: sendRedpack(body), delay: delay)
        case "/mmpaymkttransfers/gethbinfo":
            return SandboxReply(answer: .respond(status: 200, body: queryRedpack(body)), delay: delay)
        default:
            return SandboxReply(answer: .respond(status: 404, body: Self.encode(Self.returnFail("接口不存在"))), delay: delay)
        }
    }

    // MARK: sendredpack

    private static let sendFields: [(name: String, limit: Int, required: Bool)] = [
        ("nonce_str", 32, true), ("sign", 64, true), ("mch_billno", 28, true), ("mch_id", 32, true),
        ("wxappid", 32, true), ("send_name", 32, true), ("re_openid", 32, true), ("total_amount", 10, true),
        ("total_num", 10, true), ("wishing", 128, true), ("client_ip", 15, true), ("act_name", 32, true),
        ("remark", 256, true), ("nick_name", 32, false), ("sub_mch_id", 32, false), ("min_value", 10, false),
        ("max_value", 10, false), ("scene_id", 32, false), ("risk_info", 128, false), ("logo_imgurl", 128, false),
        ("share_content", 256, false), ("share_url", 128, false), ("share_imgurl", 128, false),
    ]

    private static let businessFields = ["mch_billno", "mch_id", "wxappid", "send_name", "re_openid", "total_amount",
                                         "total_num", "wishing", "client_ip", "act_name", "remark", "nick_name",
                                         "scene_id", "min_value", "max_value"]

    private func sendRedpack(_ body: [UInt8]) -> SandboxReply.Answer {
        let fields: [String: String]
        switch authenticated(body, appIDField: "wxappid") {
        case .failure(let answer):
            journal(api: "sendredpack", fields: [:], outcome: answer.outcome, paid: false)
            return .respond(status: 200, body: Self.encode(answer.fields))
        case .success(let value):
            fields = value
        }
        let billNumber = fields["mch_billno"] ?? ""
        let now = configuration.currentTime()
        let (decision, badAnswer) = state.withLock { state in
            state.record.requests += 1
            state.record.requestsByBillNumber[billNumber, default: 0] += 1
            if !billNumber.isEmpty, state.record.firstRequests[billNumber] == nil {
                state.record.firstRequests[billNumber] = SandboxRequest(at: now, fingerprint: Self.fingerprint(fields))
            }
            var result = decide(fields, now: now, state: &state)
            var bad = state.forcedBadAnswer
            if bad == nil, !result.lost, state.random.chance(configuration.badAnswerProbability) {
                bad = BadAnswer.allCases.randomElement(using: &state.random)
            }
            if let bad {
                result.outcome += "+" + bad.rawValue
            }
            state.record.outcomes[result.outcome, default: 0] += 1
            if result.paid, let payment = state.record.payments[billNumber] {
                state.stateFile?.append(payment)
            }
            return (result, bad)
        }
        journal(api: "sendredpack", fields: fields, outcome: decision.outcome, paid: decision.paid)
        if decision.lost { return .hangUp }
        if let badAnswer { return badAnswer.apply(to: decision.fields, encode: Self.encode) }
        return .respond(status: 200, body: Self.encode(decision.fields))
    }

    private struct Decision {
        var fields: [(String, String)]
        var outcome: String
        var paid = false
        var lost = false

        static func refused(_ code: String, _ description: String, echo fields: [String: String], outcome: String? = nil) -> Decision {
            Decision(fields: SandboxAPI.resultFail(code, description, echo: fields), outcome: outcome ?? code)
        }
    }

    private func decide(_ fields: [String: String], now: Date, state: inout State) -> Decision {
        if let refusal = refusal(fields, now: now, state: &state) {
            return refusal
        }
        let billNumber = fields["mch_billno"]!
        let amount = Int(fields["total_amount"]!)!
        let fingerprint = Self.fingerprint(fields)
        let lost = state.random.chance(state.lostProbability)
        if let payment = state.record.payments[billNumber] {
            guard payment.fingerprint == fingerprint else {
                let changed = Self.businessFields.filter { payment.fingerprint[$0] != fingerprint[$0] }
                return .refused("FATAL_ERROR", "该订单号已存在,参数与原单不一致: \(changed.joined(separator: ","))", echo: fields)
            }
            return Decision(fields: Self.success(fields, sendListID: payment.sendListID), outcome: lost ? "LOST" : "REENTRY", lost: lost)
        }
        // Only a number never paid can fail: re-entry answers the payment, as the real API does.
        if state.random.chance(state.sendFailedProbability) {
            return .refused("SEND_FAILED", "红包发放失败,请更换单号再重试", echo: fields)
        }
        if let balance = state.balance, state.record.paidTotal + amount > balance {
            return .refused("NOTENOUGH", "帐号余额不足,请到商户平台充值后再重试", echo: fields)
        }
        let sendListID = "1000041701" + BeijingTime.dateStamp(now) + String(format: "%014d", state.nextListID)
        state.nextListID += 1
        state.record.payments[billNumber] = SandboxPayment(
            billNumber: billNumber, openid: fields["re_openid"]!, amount: amount, sendListID: sendListID, paidAt: now,
            fate: configuration.lifecycle.fate(paidAt: now, using: &state.random), fingerprint: fingerprint)
        state.record.paidTotal += amount
        return Decision(fields: Self.success(fields, sendListID: sendListID), outcome: lost ? "LOST" : "SUCCESS", paid: true, lost: lost)
    }

    /// The answers that pay nothing, in the order the sandbox checks them: the server's
    /// limits, then the request itself, then the bill number's age, then a busy server.
    private func refusal(_ fields: [String: String], now: Date, state: inout State) -> Decision? {
        if let quiet = configuration.quietHours, quiet.contains(now) {
            return .refused("TIME_LIMITED", "企业红包的发送时间受限", echo: fields)
        }
        if let perMinute = configuration.perMinute {
            let windowStart = now.addingTimeInterval(-60)
            state.recentRequests.removeAll { $0 <= windowStart }
            state.recentRequests.append(now)
            if state.recentRequests.count > perMinute {
                return .refused("SECOND_OVER_LIMITED", "企业红包的按分钟发放受限", echo: fields)
            }
        }
        if let problem = validate(fields) {
            return .refused(problem.code, problem.description, echo: fields)
        }
        if let first = state.record.firstRequests[fields["mch_billno"]!],
           now.timeIntervalSince(first.at) > configuration.billNumberTTL {
            return .refused("PARAM_ERROR", "该订单已经过期，请更换商户单号", echo: fields, outcome: "EXPIRED")
        }
        if state.random.chance(state.systemErrorProbability) {
            return .refused("SYSTEMERROR", "系统繁忙,请再试。", echo: fields)
        }
        return nil
    }

    private static func fingerprint(_ fields: [String: String]) -> [String: String] {
        fields.filter { businessFields.contains($0.key) }
    }

    private struct Problem {
        var code: String
        var description: String
    }

    /// The checks the real API makes before paying, each answered as it answers them.
    private func validate(_ fields: [String: String]) -> Problem? {
        for (name, limit, required) in Self.sendFields {
            guard let value = fields[name], !value.isEmpty else {
                if required { return Problem(code: "PARAM_ERROR", description: "参数错误:\(name)字段必填") }
                continue
            }
            if value.count > limit {
                return Problem(code: "PARAM_ERROR", description: "参数错误:\(name)长度不能超过\(limit)个字符")
            }
        }
        guard let amount = Int(fields["total_amount"]!), amount > 0 else {
            return Problem(code: "PARAM_ERROR", description: "参数错误:total_amount必须为正整数")
        }
        guard fields["total_num"] == "1" else {
            return Problem(code: "PARAM_ERROR", description: "参数错误:total_num必须为1")
        }
        for name in ["min_value", "max_value"] where fields[name] != nil && fields[name] != fields["total_amount"] {
            return Problem(code: "PARAM_ERROR", description: "参数错误:\(name)必须等于total_amount")
        }
        let billNumber = fields["mch_billno"]!
        guard BillNumber.isWellFormed(billNumber), billNumber.hasPrefix(configuration.mchID),
              billNumber.count == configuration.mchID.count + 18 else {
            return Problem(code: "PARAM_ERROR", description: "参数错误:mch_billno格式错误,应为mch_id+yyyymmdd+10位数字")
        }
        if let scene = fields["scene_id"], !(1...8).map({ "PRODUCT_\($0)" }).contains(scene) {
            return Problem(code: "PARAM_ERROR", description: "参数错误:scene_id取值错误")
        }
        let openid = fields["re_openid"]!
        guard RecipientsValidator.isOpenID(openid) else {
            return Problem(code: "OPENID_ERROR", description: "openid字段不正确")
        }
        guard (configuration.minimumAmount...configuration.maximumAmount).contains(amount) else {
            return Problem(code: "MONEY_LIMIT", description: "每个红包金额必须在\(configuration.minimumAmount)分到\(configuration.maximumAmount)分之间")
        }
        return nil
    }

    // MARK: gethbinfo

    private func queryRedpack(_ body: [UInt8]) -> [UInt8] {
        let fields: [String: String]
        switch authenticated(body, appIDField: "appid") {
        case .failure(let answer): return Self.encode(answer.fields)
        case .success(let value): fields = value
        }
        let billNumber = fields["mch_billno"] ?? ""
        guard fields["bill_type"] == "MCHT", !billNumber.isEmpty else {
            return Self.encode(Self.resultFail("PARAM_ERROR", "参数错误:bill_type必须为MCHT", echo: [:]))
        }
        let now = configuration.currentTime()
        let (answer, request) = state.withLock { state in
            state.record.queriesByBillNumber[billNumber, default: 0] += 1
            let payment = state.record.payments[billNumber]
            let firstRequest = state.record.firstRequests[billNumber]
            let answer = GethbinfoAnswer(
                billNumber: billNumber, mchID: configuration.mchID, payment: payment,
                firstRequest: firstRequest, forced: state.record.forcedQueryStatuses[billNumber], now: now)
            return (answer, payment?.fingerprint ?? firstRequest?.fingerprint ?? ["mch_billno": billNumber])
        }
        journal(api: "gethbinfo", fields: request, outcome: answer?.status.rawValue ?? "NOT_FOUND", paid: false)
        return answer?.encoded() ?? Self.encode(Self.resultFail("NOT_FOUND", "指定单号数据不存在", echo: [:]))
    }

    // MARK: answers

    private struct Refusal: Error {
        var fields: [(String, String)]
        var outcome: String
    }

    /// Parses, checks the signature, the merchant and the app id, as the real API does first.
    private func authenticated(_ body: [UInt8], appIDField: String) -> Result<[String: String], Refusal> {
        guard let root = try? XMLMessage.decode(body) else {
            return .failure(Refusal(fields: Self.returnFail("XML格式错误"), outcome: "XML_ERROR"))
        }
        let fields = root.fields
        guard signer.verify(fields) else {
            return .failure(Refusal(fields: configuration.signErrorWording.answer, outcome: "SIGN_ERROR"))
        }
        guard fields["mch_id"] == configuration.mchID else {
            return .failure(Refusal(fields: Self.resultFail("NOAUTH", "商户号无此接口权限", echo: fields), outcome: "NOAUTH"))
        }
        guard fields[appIDField] == configuration.wxappid else {
            return .failure(Refusal(fields: Self.resultFail("ILLEGAL_APPID", "非法appid,请确认是否为公众号的appid", echo: fields), outcome: "ILLEGAL_APPID"))
        }
        return .success(fields)
    }

    private static func returnFail(_ message: String) -> [(String, String)] {
        [("return_code", "FAIL"), ("return_msg", message)]
    }

    private static func resultFail(_ code: String, _ description: String, echo fields: [String: String]) -> [(String, String)] {
        var answer: [(String, String)] = [
            ("return_code", "SUCCESS"), ("return_msg", description), ("result_code", "FAIL"),
            ("err_code", code), ("err_code_des", description),
        ]
        for name in ["mch_billno", "mch_id", "wxappid", "re_openid", "total_amount"] {
            if let value = fields[name] { answer.append((name, value)) }
        }
        return answer
    }

    private static func success(_ fields: [String: String], sendListID: String) -> [(String, String)] {
        [
            ("return_code", "SUCCESS"), ("return_msg", "发放成功"), ("result_code", "SUCCESS"),
            ("err_code", "SUCCESS"), ("err_code_des", "发放成功"),
            ("mch_billno", fields["mch_billno"]!), ("mch_id", fields["mch_id"]!), ("wxappid", fields["wxappid"]!),
            ("re_openid", fields["re_openid"]!), ("total_amount", fields["total_amount"]!),
            ("send_listid", sendListID),
        ]
    }

    private static func encode(_ fields: [(String, String)]) -> [UInt8] {
        (try? XMLMessage.encode(fields.map { (name: $0.0, value: $0.1) })) ?? []
    }

    private func journal(api: String, fields: [String: String], outcome: String, paid: Bool) {
        journal.withLock { handle in
            guard let handle else { return }
            let entry = JournalEntry(
                time: BeijingTime.iso8601(configuration.currentTime()), api: api, billno: fields["mch_billno"] ?? "",
                openid: fields["re_openid"] ?? "", amount: fields["total_amount"].flatMap { Int($0) },
                outcome: outcome, paid: paid)
            guard var line = try? JSONEncoder().encode(entry) else { return }
            line.append(0x0A)
            handle.write(line)
        }
    }
}
