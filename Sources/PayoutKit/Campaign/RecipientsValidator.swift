/// One valid row of the recipients file, as handed to an importer. Its byte views point
/// into the reader's buffer and are valid only during the callback.
public struct RecipientRow {
    public let line: Int
    public let amount: Amount
    /// The openid's UTF-8, trimmed (ASCII only, once valid).
    public let openid: UnsafeBufferPointer<UInt8>
    fileprivate let reader: CSVReader
    fileprivate let extraIndices: [Int]

    /// The file's other cells, in header order ("" where a short row lacks one).
    public func forEachExtra(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        for index in extraIndices {
            if index < reader.cellCount {
                reader.withCell(index, body)
            } else {
                body(UnsafeBufferPointer(start: nil, count: 0))
            }
        }
    }
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
/// and reports all problems — not just the first — as `FILE:LINE: message`. Works on the
/// raw bytes of each cell: a million rows are checked without a String per cell.
public enum RecipientsValidator {
    /// Streams the file, handing each valid row to `accept` for as long as no problem has
    /// been seen; after the first problem it keeps reading only to report the rest.
    public static func read(
        _ manifest: Manifest, accept: (RecipientRow) throws(InputError) -> Void = { _ in }
    ) throws(InputError) -> RecipientsSummary {
        let file = manifest.recipients
        let reader = try CSVReader(path: file)
        var problems: [InputProblem] = []
        func problem(_ line: Int?, _ message: String) {
            problems.append(InputProblem(file: file, line: line, message: message))
        }
        guard try reader.nextRow() else {
            throw InputError(file: file, line: 1, message: "the file is empty: expected a header row with openid and amount")
        }
        let columns = (0..<reader.cellCount).map { index in reader.withCell(index) { String(decoding: trimmed($0), as: UTF8.self) } }
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

        var seen = OpenIDSet(expected: reader.estimatedRows)
        var count = 0
        var total = 0
        let limits = manifest.limits
        while try reader.nextRow() {
            if reader.isBlankRow { continue }
            let line = reader.recordLine
            guard reader.cellCount <= columns.count else {
                problem(line, "\(reader.cellCount) cells, but the header has \(columns.count) columns")
                continue
            }
            guard openidColumn < reader.cellCount, amountColumn < reader.cellCount else {
                problem(line, "missing field '\(openidColumn < reader.cellCount ? "amount" : "openid")'")
                continue
            }
            count += 1
            let amount = reader.withCell(amountColumn) { cell -> Int? in
                let text = trimmed(cell)
                guard !text.isEmpty else {
                    problem(line, "missing field 'amount'")
                    return nil
                }
                guard let fen = wholeNumber(text) else {
                    problem(line, "amount '\(String(decoding: text, as: UTF8.self))' is not a whole number of fen (1 yuan = 100 fen)")
                    return nil
                }
                if fen < limits.minimumAmount.fen {
                    problem(line, "amount \(fen) is below the minimum of \(limits.minimumAmount.fen) fen")
                    return nil
                }
                if fen > limits.maximumAmount.fen {
                    problem(line, "amount \(fen) is above the maximum of \(limits.maximumAmount.fen) fen")
                    return nil
                }
                return fen
            }
            try reader.withCell(openidColumn) { (cell) throws(InputError) in
                let openid = trimmed(cell)
                guard isOpenID(openid) else {
                    let text = String(decoding: openid, as: UTF8.self)
                    problem(line, text.isEmpty ? "missing field 'openid'" : "openid '\(text)' is not 6 to 32 characters of A-Z a-z 0-9 _ -")
                    return
                }
                if !manifest.allowDuplicates && !seen.insert(openid) {
                    problem(line, "duplicate openid \(String(decoding: openid, as: UTF8.self)) (first on line \(firstLine(of: openid, manifest: manifest)))"
                        + "; set allow_duplicates: true to pay it more than once")
                    return
                }
                guard let amount else { return }
                total += amount
                if problems.isEmpty {
                    try accept(RecipientRow(line: line, amount: Amount(fen: amount), openid: openid, reader: reader, extraIndices: extraIndices))
                }
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

    public static func isOpenID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        (6...32).contains(bytes.count)
            && bytes.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    public static func isOpenID(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isOpenID($0) }
    }

    /// Only digits, at most 12 of them: no sign, no decimals, no overflow.
    static func wholeNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard (1...12).contains(bytes.count) else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Duplicates are rare: only then is the file read again to name the first occurrence.
    private static func firstLine(of openid: UnsafeBufferPointer<UInt8>, manifest: Manifest) -> Int {
        let target = Array(openid)
        guard let reader = try? CSVReader(path: manifest.recipients), (try? reader.nextRow()) == true else { return 0 }
        let column = (0..<reader.cellCount).first { index in reader.withCell(index) { String(decoding: trimmed($0), as: UTF8.self).lowercased() == "openid" } } ?? 0
        while (try? reader.nextRow()) == true {
            if column < reader.cellCount, reader.withCell(column, { trimmed($0).elementsEqual(target) }) {
                return reader.recordLine
            }
        }
        return 0
    }
}

/// The openids seen so far, as 128-bit hashes in an open-addressing table: duplicate
/// detection over a million rows without a million strings, and without re-hashing what
/// is already a hash. Two independent 64-bit hashes make a collision between real openids
/// vanishingly unlikely, and one could only refuse an import, never pay twice.
struct OpenIDSet {
    private var slots: [UInt64]
    private var count = 0

    init(expected: Int) {
        var capacity = 1024
        while capacity < expected * 10 / 7 { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity * 2)
    }

    /// False if the openid was already there.
    mutating func insert(_ openid: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt64 = 0xCBF2_9CE4_8422_2325
        var low: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in openid {
            high = (high ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            low = (low &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
            low ^= low >> 29
        }
        high |= 1
        if (count + 1) * 10 > slots.count / 2 * 7 { grow() }
        return place(high, low)
    }

    private mutating func place(_ high: UInt64, _ low: UInt64) -> Bool {
        let mask = slots.count / 2 - 1
        var index = Int(truncatingIfNeeded: (high &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while true {
            let stored = slots[index * 2]
            if stored == 0 {
                slots[index * 2] = high
                slots[index * 2 + 1] = low
                count += 1
                return true
            }
            if stored == high && slots[index * 2 + 1] == low { return false }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        count = 0
        for index in stride(from: 0, to: old.count, by: 2) where old[index] != 0 {
            _ = place(old[index], old[index + 1])
        }
    }
}
