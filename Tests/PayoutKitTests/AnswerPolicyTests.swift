@testable import PayoutKit
import Testing

/// Every row of the answer policy table in redpack-api.md, fed through the same path a
/// real answer takes: bytes → XML → verified fields → outcome.
@Suite struct AnswerPolicyTests {
    static let signer = Signer(key: APIKey("192006250b4c09247ec02edce69f6a2d"))
    static let request = RedpackRequest(
        billNumber: BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 42),
        openid: "oxTWIuGaIt6gTKsQRLau2M0yL16E", amount: Amount(fen: 1000), sendName: "天虹百货",
        wishing: "w", actName: "a", remark: "r")

    static func answer(_ fields: [(String, String)], status: Int = 200) -> Result<HTTPResponse, TransportError> {
        .success(HTTPResponse(status: status, body: try! XMLMessage.encode(fields.map { (name: $0.0, value: $0.1) })))
    }

    static func failure(_ code: String, description: String = "说明") -> Result<HTTPResponse, TransportError> {
        answer([("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", code), ("err_code_des", description)])
    }

    static func classify(_ exchange: Result<HTTPResponse, TransportError>) -> SendOutcome {
        AnswerPolicy.classifySend(exchange, request: request, signer: signer).outcome
    }

    static let success: [(String, String)] = [
        ("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("mch_billno", request.billNumber.rawValue),
        ("re_openid", request.openid), ("total_amount", "1000"), ("send_listid", "100000000020150520314766074200"),
    ]

    @Test func successIsSentWithItsListID() {
        #expect(Self.classify(Self.answer(Self.success)) == .sent(sendListID: "100000000020150520314766074200"))
    }

    @Test func seedSuccessSampleWithoutListIDIsSent() {
        let seed = Self.answer([("return_code", "SUCCESS"), ("return_msg", "发放成功."), ("result_code", "SUCCESS"), ("err_code", "0")])
        #expect(Self.classify(seed) == .sent(sendListID: ""))
    }

    @Test(arguments: ["SYSTEMERROR", "PROCESSING", "268458547", "SOMETHING_NEW"])
    func unknownOutcomes(_ code: String) {
        guard case .unknown = Self.classify(Self.failure(code)) else {
            Issue.record("\(code) must leave the outcome unknown")
            return
        }
    }

    @Test(arguments: ["FREQ_LIMIT", "SECOND_OVER_LIMITED"])
    func throttles(_ code: String) {
        #expect(Self.classify(Self.failure(code)) == .throttled(code: code))
    }

    @Test func timeLimitedIsTheQuietWindow() {
        #expect(Self.classify(Self.failure("TIME_LIMITED")) == .quietWindow)
    }

    @Test(arguments: ["NOTENOUGH", "NOAUTH", "SIGN_ERROR", "CA_ERROR", "XML_ERROR", "ILLEGAL_APPID", "API_METHOD_CLOSED",
                      "MSGAPPID_ERROR", "ACCEPTMODE_ERROR", "SENDAMOUNT_LIMIT"])
    func stopTheRun(_ code: String) {
        #expect(Self.classify(Self.failure(code, description: "原因")) == .stopRun(.refused(ErrorCode(code), message: "原因")))
    }

    @Test func fatalErrorIsSettledNotFailed() {
        #expect(Self.classify(Self.failure("FATAL_ERROR", description: "该订单号已存在,参数与原单不一致"))
            == .unknown(reason: "FATAL_ERROR: 该订单号已存在,参数与原单不一致"))
    }

    @Test func anExpiredBillNumberIsUnknownNotFailed() {
        guard case .unknown = Self.classify(Self.failure("PARAM_ERROR", description: "该订单已经过期，请更换商户单号")) else {
            Issue.record("an expired number says nothing about whether its first request paid")
            return
        }
    }

    @Test(arguments: ["OPENID_ERROR", "MONEY_LIMIT", "PARAM_ERROR", "NO_AUTH", "SENDNUM_LIMIT",
                      "RCVDAMOUNT_LIMIT", "SEND_FAILED"])
    func failTheItem(_ code: String) {
        #expect(Self.classify(Self.failure(code, description: "原因")) == .failed(code: code, message: "原因"))
    }

    @Test(arguments: ["签名错误", "签名失败", "参数格式校验错误"])
    func returnFailForSignatureOrFormatStopsTheRun(_ message: String) {
        #expect(Self.classify(Self.answer([("return_code", "FAIL"), ("return_msg", message)])) == .stopRun(.requestRejected(message: message)))
    }

    @Test(arguments: [("签名错误", "签名错误"), ("系统繁忙,请稍后再试.", "系统繁忙,请稍后再试."), ("", "签名不对")])
    func signErrorUnderReturnFailStopsTheRunWhateverTheMessage(_ message: String, _ shown: String) {
        let answer = Self.answer([("return_code", "FAIL"), ("return_msg", message), ("result_code", "FAIL"),
                                  ("err_code", "SIGN_ERROR"), ("err_code_des", "签名不对")])
        #expect(Self.classify(answer) == .stopRun(.refused(ErrorCode("SIGN_ERROR"), message: shown)))
    }

    @Test func signErrorUnderReturnFailStopsAQueryToo() {
        let answer = Self.answer([("return_code", "FAIL"), ("return_msg", "签名错误"), ("err_code", "SIGN_ERROR")])
        #expect(AnswerPolicy.classifyQuery(answer, signer: Self.signer) == .stopRun(.refused(ErrorCode("SIGN_ERROR"), message: "签名错误")))
    }

    @Test func seedFailureSampleIsUnknown() {
        let seed = Self.answer([("return_code", "FAIL"), ("return_msg", "系统繁忙,请稍后再试."), ("result_code", "FAIL"),
                                ("err_code", "268458547"), ("err_code_des", "系统繁忙,请稍后再试.")])
        guard case .unknown = Self.classify(seed) else {
            Issue.record("return_code FAIL 系统繁忙 must be unknown")
            return
        }
    }

    @Test(arguments: [500, 502, 504, 302])
    func httpErrorsAreUnknown(_ status: Int) {
        #expect(Self.classify(Self.answer(Self.success, status: status)) == .unknown(reason: "HTTP status \(status)"))
    }

    @Test(arguments: [TransportError.Kind.notDelivered, .outcomeUnknown, .closed])
    func transportFailuresAreUnknown(_ kind: TransportError.Kind) {
        let error = TransportError(kind: kind, message: "Operation timed out after 30000 milliseconds (curl error 28)")
        #expect(Self.classify(.failure(error)) == .unknown(reason: error.message))
    }

    @Test func tlsRefusalStopsTheRun() {
        let error = TransportError(kind: .tlsRefused, message: "tlsv13 alert certificate required (curl error 56)")
        #expect(Self.classify(.failure(error)) == .stopRun(.tlsRefused(message: "TLS refused: \(error.message)")))
    }

    @Test(arguments: ["", "<html>502 Bad Gateway</html>", "<xml><return_code>SUCCESS"])
    func unreadableAnswersAreUnknown(_ body: String) {
        guard case .unknown = Self.classify(.success(HTTPResponse(status: 200, body: Array(body.utf8)))) else {
            Issue.record("an unreadable answer must be unknown")
            return
        }
    }

    @Test func successEchoingAnotherPaymentIsUnknown() {
        for (name, wrong) in [("mch_billno", "100000982027021200000000043"), ("total_amount", "100000"), ("re_openid", "someoneElse123")] {
            let fields = Self.success.map { $0.0 == name ? (name, wrong) : $0 }
            #expect(Self.classify(Self.answer(fields)) == .unknown(reason: "answer echoes \(name) \(wrong), expected \(Self.request.fields(for: Self.merchant)[name] ?? "")"))
        }
    }

    @Test func signedAnswerIsVerified() {
        var fields = Dictionary(uniqueKeysWithValues: Self.success)
        fields["sign"] = Self.signer.sign(fields)
        let good = Self.success + [("sign", fields["sign"]!)]
        #expect(Self.classify(Self.answer(good)) == .sent(sendListID: "100000000020150520314766074200"))
        let forged = Self.success + [("sign", "0123456789ABCDEF0123456789ABCDEF")]
        #expect(Self.classify(Self.answer(forged)) == .unknown(reason: "the answer's signature does not verify"))
    }

    @Test func successWithoutResultCodeIsUnknown() {
        #expect(Self.classify(Self.answer([("return_code", "SUCCESS")])) == .unknown(reason: "answer without a result_code"))
    }

    static let merchant = Merchant(mchID: "10000098", wxappid: "wx8888888888888888", clientIP: "192.168.0.1",
                                   apiKey: APIKey("k"), endpoint: "https://example.invalid")

    @Test(arguments: [("SENT", true), ("RECEIVED", true), ("REFUND", true), ("RFUND_ING", true), ("SENDING", false), ("FAILED", false)])
    func queryStatuses(_ status: String, _ paid: Bool) throws {
        let exchange = Self.answer([("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("mch_billno", "b"),
                                    ("detail_id", "d"), ("status", status), ("total_amount", "1000")])
        guard case .found(let record) = AnswerPolicy.classifyQuery(exchange, signer: Self.signer) else {
            Issue.record("expected a record")
            return
        }
        #expect(record.status.rawValue == status)
        #expect(record.status.meansPaid == paid)
        #expect(record.amount == Amount(fen: 1000))
    }

    @Test func queryRecordOfAnotherPaymentOrAnotherNumber() {
        let bill = BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 5)
        let record = HongbaoRecord(billNumber: bill.rawValue, status: .sent, detailID: "d", openid: "oA", amount: Amount(fen: 100), reason: nil)
        #expect(record.otherPayment(openid: "oA", amount: Amount(fen: 100)) == nil)
        #expect(record.otherPayment(openid: "oB", amount: Amount(fen: 100)) == "gethbinfo reports recipient oA, not oB")
        #expect(record.otherPayment(openid: "oA", amount: Amount(fen: 200)) == "gethbinfo reports 100 fen, not 200")
        #expect(record.isRecord(of: bill))
        #expect(!record.isRecord(of: BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 6)))
    }

    @Test func queryNotFoundIsNotFailure() {
        #expect(AnswerPolicy.classifyQuery(Self.failure("NOT_FOUND"), signer: Self.signer) == .notFound)
    }
}

extension [(name: String, value: String)] {
    subscript(name: String) -> String? {
        first { $0.name == name }?.value
    }
}
