/// `mch_billno`: the merchant's own number for one payment, and the key the API
/// de-duplicates on. Once an item has one, every request for it carries the same number;
/// a new number would be a new payment.
public struct BillNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// mch_id + yyyymmdd (Beijing date of allocation) + a 10-digit number unique that day.
    public init(mchID: String, dateStamp: String, sequence: Int) {
        precondition(dateStamp.count == 8 && (0..<10_000_000_000).contains(sequence))
        let digits = String(sequence)
        rawValue = mchID + dateStamp + String(repeating: "0", count: 10 - digits.count) + digits
    }

    /// A site's number: its first two digits are the site (0–99), the other eight count the
    /// merchant's numbers of that site and day.
    public init(mchID: String, dateStamp: String, site: Int, serial: Int) {
        precondition((0...99).contains(site) && (1..<Self.perSite).contains(serial))
        self.init(mchID: mchID, dateStamp: dateStamp, sequence: site * Self.perSite + serial)
    }

    /// Numbers per site and day: a hundred million, far above what 1800 a minute can use.
    public static let perSite = 100_000_000

    /// The Beijing date the number was allocated on (yyyymmdd).
    public var dateStamp: String { String(rawValue.utf8.suffix(18).prefix(8))! }

    /// Accepts a number read back from the ledger or a request only if it has the API's shape.
    public init?(_ rawValue: String) {
        guard BillNumber.isWellFormed(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let maximumLength = 28

    /// The API's rule: 0-9a-zA-Z, at most 28 characters, ending in a date and 10 digits.
    public static func isWellFormed(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count > 18, bytes.count <= maximumLength else { return false }
        guard bytes.allSatisfy({ $0.isASCIIAlphanumeric }) else { return false }
        return bytes.suffix(18).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The longest mch_id that still leaves room for the date and sequence.
    public static let maximumMchIDLength = maximumLength - 18
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}
