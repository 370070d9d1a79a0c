/// Which items `reissue` may pay again under a new bill number: `failed` items whose
/// err_code proves they were not paid (all such codes, or those of `--codes`), and — only
/// when asked, since paying an unclaimed packet again is a marketing decision — `sent` items
/// whose packet was refunded. Never an item whose outcome is unknown or not final, and never
/// a packet still SENT or RFUND_ING.
public struct ReissueSelection: Sendable, Equatable {
    public var codes: Set<ErrorCode>
    public var refunded: Bool

    public init(codes: Set<ErrorCode> = ErrorCode.provenUnpaid, refunded: Bool = false) {
        self.codes = codes
        self.refunded = refunded
    }

    /// A `--codes` value the selection cannot take.
    public struct CodesError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// `--codes SEND_FAILED,EXPIRED`: every code must be one that proves non-payment.
    public static func codes(parsing text: String) throws(CodesError) -> Set<ErrorCode> {
        let names = text.split(separator: ",").map { String($0).trimmingASCIIWhitespace().uppercased() }.filter { !$0.isEmpty }
        guard !names.isEmpty else {
            throw CodesError(description: "--codes needs at least one err_code, e.g. --codes SEND_FAILED")
        }
        let accepted = ErrorCode.provenUnpaid.map(\.rawValue).sorted().joined(separator: ", ")
        for name in names where !ErrorCode.provenUnpaid.contains(ErrorCode(name)) {
            throw CodesError(description: "--codes: \(name) does not prove an item unpaid; reissue takes \(accepted)")
        }
        return Set(names.map(ErrorCode.init))
    }

    /// The rule as SQL over `items`, with its bound values: the plan and the transition
    /// select with this one condition. Never NULL, so `NOT (…)` selects exactly the rest.
    var condition: (sql: String, values: [SQLValue]) {
        let codes = self.codes.map(\.rawValue).sorted()
        let placeholders = codes.map { _ in "?" }.joined(separator: ", ")
        // The first release failed items answered "该订单已经过期" (PARAM_ERROR); that answer
        // says nothing about whether the number's first request paid, so it never qualifies.
        var sql = "(state = '\(ItemTransition.reissueUnpaid.from)' AND COALESCE(err_code, '') IN (\(placeholders))"
            + " AND instr(COALESCE(err_code_des, ''), '\(ErrorCode.expiredBillNumberMessage)') = 0)"
        if refunded {
            sql += " OR (state = '\(ItemTransition.reissueRefunded.from)' AND COALESCE(packet_status, '') = 'REFUND')"
        }
        return ("(" + sql + ")", codes.map(SQLValue.text))
    }
}
