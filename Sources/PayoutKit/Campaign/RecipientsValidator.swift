/// One red packet to pay, as read from the recipients file.
public struct Recipient: Sendable, Equatable {
    public var line: Int
    public var openid: String
    public var amount: Amount
    /// The file's other columns, in header order.
    public var extras: [String]
}

/// What a valid recipients file adds up to.
public struct RecipientsSummary: Sendable, Equatable {
    public var count: Int
    public var total: Amount
    public var extraColumns: [String]
    public var fingerprint: String
    public var encoding: CSVReader.Encoding
}

/// Checks every row of a recipients file against the contract and the manifest's limits,
/// and reports all problems — not just the first — as `FILE:LINE: message`.
public enum RecipientsValidator {
    /// Streams the file, handing each valid row to `accept` for as long as no problem has
    /// been seen; after the first problem it keeps reading only to report the rest.
    public static func read(
        _ manifest: Manifest, accept: (Recipient) throws(InputError) -> Void = { _ in }
    ) throws(InputError) -> RecipientsSummary {
        let file = manifest.recipients
        let reader = try CSVReader(path: file)
        var problems: [InputProblem] = []
        func problem(_ line: Int?, _ message: String) {
            problems.append(InputProblem(file: file, line: line, message: message))
        }
        guard let header = try reader.next() else {
            throw InputError(file: file, line: 1, message: "the file is empty: expected a header row with openid and amount")
        }
        let columns = header.fields.map { $0.trimmingASCIIWhitespace() }
        let openidColumn = columns.firstIndex { $0.lowercased() == "openid" }
        let amountColumn = columns.firstIndex { $0.lowercased() == "amount" }
        for (name, index) in [("openid", openidColumn), ("amount", amountColumn)] where index == nil {
            problem(1, "missing required column '\(name)' (the header has: \(columns.joined(separator: ", ")))")
        }
        for (index, name) in columns.enumerated() where columns[..<index].contains(name) {
            problem(1, "column '\(name)' appears twice in the header")
        }
        guard let openidColumn, let amountColumn, problems.isEmpty else { throw InputError(problems) }
        let extraIndices = columns.indices.filter { $0 != openidColumn && $0 != amountColumn }

        var seen = [OpenIDKey: Int]()
        var count = 0
        var total = 0
        let limits = manifest.limits
        while let record = try reader.next() {
            if record.isBlank { continue }
            let line = record.line
            let fields = record.fields
            guard fields.count <= columns.count else {
                problem(line, "\(fields.count) cells, but the header has \(columns.count) columns")
                continue
            }
            guard openidColumn < fields.count, amountColumn < fields.count else {
                problem(line, "missing field '\(openidColumn < fields.count ? "amount" : "openid")'")
                continue
            }
            let openid = fields[openidColumn].trimmingASCIIWhitespace()
            let amountText = fields[amountColumn].trimmingASCIIWhitespace()
            var rowIsValid = true
            if !isOpenID(openid) {
                problem(line, openid.isEmpty ? "missing field 'openid'"
                    : "openid '\(openid)' is not 6 to 32 characters of A-Z a-z 0-9 _ -")
                rowIsValid = false
            } else if !manifest.allowDuplicates {
                let key = OpenIDKey(openid)
                if let first = seen[key] {
                    problem(line, "duplicate openid \(openid) (first on line \(first)); set allow_duplicates: true to pay it more than once")
                    rowIsValid = false
                } else {
                    seen[key] = line
                }
            }
            if amountText.isEmpty {
                problem(line, "missing field 'amount'")
                rowIsValid = false
            } else if let fen = Int(amountText), amountText.allSatisfy(\.isASCIIDigit) {
                if fen < limits.minimumAmount.fen {
                    problem(line, "amount \(fen) is below the minimum of \(limits.minimumAmount.fen) fen")
                    rowIsValid = false
                } else if fen > limits.maximumAmount.fen {
                    problem(line, "amount \(fen) is above the maximum of \(limits.maximumAmount.fen) fen")
                    rowIsValid = false
                } else {
                    total += fen
                }
            } else {
                problem(line, "amount '\(amountText)' is not a whole number of fen (1 yuan = 100 fen)")
                rowIsValid = false
            }
            count += 1
            if rowIsValid && problems.isEmpty {
                let extras = extraIndices.map { $0 < fields.count ? fields[$0] : "" }
                try accept(Recipient(line: line, openid: openid, amount: Amount(fen: Int(amountText)!), extras: extras))
            }
        }
        if count == 0 && problems.isEmpty {
            problem(nil, "no recipients after the header row")
        }
        if let budget = manifest.budget, total > budget.fen {
            problem(nil, "the amounts add up to \(total) fen, above the manifest's budget of \(budget.fen) fen")
        }
        guard problems.isEmpty else { throw InputError(problems) }
        return RecipientsSummary(
            count: count, total: Amount(fen: total), extraColumns: extraIndices.map { columns[$0] },
            fingerprint: reader.fingerprint, encoding: reader.encoding)
    }

    public static func isOpenID(_ text: String) -> Bool {
        (6...32).contains(text.utf8.count)
            && text.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}

/// 128 bits of an openid: duplicate detection over a million rows without keeping a
/// million strings in memory. Two independent FNV-1a 64 hashes make a collision between
/// real openids vanishingly unlikely, and one could only refuse an import, never pay twice.
struct OpenIDKey: Hashable {
    let high: UInt64
    let low: UInt64

    init(_ openid: String) {
        var high: UInt64 = 0xCBF2_9CE4_8422_2325
        var low: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in openid.utf8 {
            high = (high ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            low = (low &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
            low ^= low >> 29
        }
        self.high = high
        self.low = low
    }
}
