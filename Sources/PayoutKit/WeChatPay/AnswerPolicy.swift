/// Turns what came back from the server into an outcome, following the policy table of
/// `redpack-api.md`. The golden rule shapes every branch: anything short of a clear,
/// verified answer is `unknown`, which keeps the bill number and asks again.
enum AnswerPolicy {
    static func classifySend(
        _ exchange: Result<HTTPResponse, TransportError>, request: RedpackRequest, signer: Signer
    ) -> (outcome: SendOutcome, errCode: String?, errCodeDescription: String?) {
        let fields: [String: String]
        switch verifiedFields(exchange, signer: signer) {
        case .failure(let failure): return (failure.outcome, nil, nil)
        case .success(let answer): fields = answer
        }
        let errCode = fields["err_code"].nonEmpty
        let description = fields["err_code_des"].nonEmpty ?? fields["return_msg"].nonEmpty
        guard fields["return_code"] == "SUCCESS" else {
            return (returnFailure(fields), errCode, description)
        }
        switch fields["result_code"] {
        case "SUCCESS":
            if let mismatch = echoMismatch(fields, request: request) {
                return (.unknown(reason: mismatch), errCode, description)
            }
            return (.sent(sendListID: fields["send_listid"] ?? ""), errCode, description)
        case "FAIL":
            guard let errCode else {
                return (.unknown(reason: "result_code FAIL without err_code"), nil, description)
            }
            return (outcome(for: ErrorCode(errCode), description: description ?? ""), errCode, description)
        default:
            return (.unknown(reason: "answer without a result_code"), errCode, description)
        }
    }

    static func classifyQuery(_ exchange: Result<HTTPResponse, TransportError>, signer: Signer) -> QueryOutcome {
        let fields: [String: String]
        let root: XMLNode
        switch verifiedAnswer(exchange, signer: signer) {
        case .failure(let failure):
            if case .stopRun(let reason) = failure.outcome { return .stopRun(reason) }
            return .unknown(reason: failure.reason)
        case .success(let answer):
            root = answer
            fields = answer.fields
        }
        guard fields["return_code"] == "SUCCESS" else {
            if case .stopRun(let reason) = returnFailure(fields) { return .stopRun(reason) }
            return .unknown(reason: "return_code FAIL: \(fields["return_msg"] ?? "")")
        }
        guard fields["result_code"] == "SUCCESS" else {
            let code = fields["err_code"] ?? ""
            let description = fields["err_code_des"] ?? ""
            switch code {
            case "NOT_FOUND": return .notFound
            case "FREQ_LIMIT": return .throttled(code: code)
            case "CA_ERROR", "SIGN_ERROR", "NO_AUTH", "NOAUTH", "XML_ERROR", "PARAM_ERROR":
                return .stopRun(.refused(ErrorCode(code), message: description))
            default: return .unknown(reason: "\(code): \(description)")
            }
        }
        guard let status = fields["status"].flatMap(HongbaoRecord.Status.init(rawValue:)) else {
            return .unknown(reason: "gethbinfo answered an unknown status \(fields["status"] ?? "(none)")")
        }
        let info = root.child("hblist")?.child("hbinfo")?.fields ?? [:]
        let fen = { (text: String?) in text.flatMap { Int($0) }.map(Amount.init(fen:)) }
        return .found(HongbaoRecord(
            billNumber: fields["mch_billno"] ?? "",
            status: status,
            detailID: fields["detail_id"] ?? "",
            openid: info["openid"],
            amount: fen(fields["total_amount"] ?? info["amount"]),
            reason: fields["reason"].nonEmpty,
            receivedAt: info["rcv_time"].flatMap(BeijingTime.date(fromAPITimestamp:)),
            refundedAt: fields["refund_time"].flatMap(BeijingTime.date(fromAPITimestamp:)),
            refundAmount: fen(fields["refund_amount"])
        ))
    }

    static func outcome(for code: ErrorCode, description: String) -> SendOutcome {
        if description.contains(ErrorCode.expiredBillNumberMessage) {
            return .unknown(reason: "the server says the bill number expired (\(code): \(description)); settled with gethbinfo")
        }
        switch code.policy {
        case .retry, .settle: return .unknown(reason: "\(code): \(description)")
        case .throttle: return .throttled(code: code.rawValue)
        case .quietWindow: return .quietWindow
        case .stopRun: return .stopRun(.refused(code, message: description))
        case .failItem: return .failed(code: code.rawValue, message: description)
        }
    }

    /// A return_code FAIL is a communication failure: only a signature or format complaint
    /// means our side is wrong; anything else (the seed's 系统繁忙) leaves the outcome open.
    /// err_code SIGN_ERROR is such a complaint whatever return_msg says.
    private static func returnFailure(_ fields: [String: String]) -> SendOutcome {
        let message = (fields["return_msg"] ?? "").trimmingASCIIWhitespace()
        let errCode = fields["err_code"].nonEmpty
        if errCode == "SIGN_ERROR" || ErrorCode.setupFailureMessages.contains(message) {
            let shown = message.isEmpty ? fields["err_code_des"] ?? "" : message
            return .stopRun(errCode.map { .refused(ErrorCode($0), message: shown) } ?? .requestRejected(message: shown))
        }
        return .unknown(reason: "return_code FAIL: \(message)")
    }

    /// A success that names another payment is no proof of this one.
    private static func echoMismatch(_ fields: [String: String], request: RedpackRequest) -> String? {
        let expected = [
            ("mch_billno", request.billNumber.rawValue),
            ("re_openid", request.openid),
            ("total_amount", String(request.amount.fen)),
        ]
        for (name, value) in expected {
            if let echoed = fields[name], echoed != value {
                return "answer echoes \(name) \(echoed), expected \(value)"
            }
        }
        return nil
    }

    struct Failure: Error {
        var outcome: SendOutcome
        var reason: String
    }

    private static func verifiedFields(_ exchange: Result<HTTPResponse, TransportError>, signer: Signer) -> Result<[String: String], Failure> {
        verifiedAnswer(exchange, signer: signer).map(\.fields)
    }

    private static func verifiedAnswer(_ exchange: Result<HTTPResponse, TransportError>, signer: Signer) -> Result<XMLNode, Failure> {
        let response: HTTPResponse
        switch exchange {
        case .failure(let error):
            if error.kind == .tlsRefused {
                let message = "TLS refused: \(error.message)"
                return .failure(Failure(outcome: .stopRun(.tlsRefused(message: message)), reason: message))
            }
            return .failure(unknown(error.message))
        case .success(let value):
            response = value
        }
        guard response.status == 200 else { return .failure(unknown("HTTP status \(response.status)")) }
        let answer: XMLNode
        do {
            answer = try XMLMessage.decode(response.body)
        } catch {
            return .failure(unknown("unreadable answer: \(error)"))
        }
        let fields = answer.fields
        if fields["sign"] != nil, !signer.verify(fields) {
            return .failure(unknown("the answer's signature does not verify"))
        }
        return .success(answer)
    }

    private static func unknown(_ reason: String) -> Failure {
        Failure(outcome: .unknown(reason: reason), reason: reason)
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        switch self {
        case .some(let value) where !value.isEmpty: return value
        default: return nil
        }
    }
}
