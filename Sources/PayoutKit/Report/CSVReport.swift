/// The per-recipient report for Excel and finance: UTF-8 with a BOM, one row per recipient
/// in CSV order, the contract's columns and then the recipients file's own extra columns.
public enum CSVReport {
    public static let columns = ["line", "openid", "amount", "mch_billno", "status", "err_code", "err_code_des",
                                 "send_listid", "attempts", "first_sent_at", "last_attempt_at",
                                 "packet_status", "received_at", "refunded_at", "refund_amount", "previous_bill_numbers"]

    /// The columns as the ledger names them, in report order (but the earlier bill numbers),
    /// then the stored extras and the id.
    static let itemColumns = """
        line, openid, amount, bill_number, state, err_code, err_code_des, send_listid, attempts,
        first_sent_at, last_attempt_at, packet_status, received_at, refunded_at, refund_amount, extras, id
        """

    /// One item row: numbers written as digits, text cells quoted and formula-neutralised,
    /// extras copied as import stored them (already report CSV), or padded when absent.
    /// `previous` holds the earlier bill numbers of the few items `reissue` renumbered, read
    /// once, so the other rows pay a dictionary lookup, not a query each.
    static func append(_ row: Statement, previous: [Int: [String]], padding: [UInt8], into buffer: inout [UInt8]) {
        CSVText.integer(row.int(0), into: &buffer)
        buffer.append(0x2C)
        CSVText.cell(row.bytes(1), into: &buffer)
        buffer.append(0x2C)
        CSVText.integer(row.int(2), into: &buffer)
        for column in Int32(3)...Int32(7) {
            buffer.append(0x2C)
            CSVText.cell(row.bytes(column), into: &buffer)
        }
        buffer.append(0x2C)
        CSVText.integer(row.int(8), into: &buffer)
        for column in Int32(9)...Int32(14) {
            buffer.append(0x2C)
            CSVText.cell(row.bytes(column), into: &buffer)
        }
        buffer.append(0x2C)
        if !previous.isEmpty, let numbers = previous[row.int(16)] {
            CSVText.cell(numbers.joined(separator: ";"), into: &buffer)
        }
        let extras = row.bytes(15)
        if extras.isEmpty {
            buffer.append(contentsOf: padding)
        } else {
            buffer.append(contentsOf: extras)
        }
        CSVText.endRow(&buffer)
    }
}

extension Ledger {
    /// Streams the campaign's report to `path` ("-" is stdout), from the ledger's own
    /// executor, without a String per cell; returns the number of rows written.
    public func exportCSV(_ campaignID: String, to path: String) throws -> Int {
        let campaign = try requireCampaign(campaignID)
        let output = try OutputFile(path: path)
        try output.append { buffer in
            buffer += [0xEF, 0xBB, 0xBF]
            CSVText.row(CSVReport.columns + campaign.extraColumns, into: &buffer)
        }
        let padding = [UInt8](repeating: 0x2C, count: campaign.extraColumns.count)
        let previous = try previousBillNumbers(campaignID)
        var rows = 0
        try forEachItem(of: campaign, columns: CSVReport.itemColumns) { row in
            try output.append { CSVReport.append(row, previous: previous, padding: padding, into: &$0) }
            rows += 1
        }
        try output.flush()
        return rows
    }
}
