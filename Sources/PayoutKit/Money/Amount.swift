/// A sum of money in fen (分), the unit the API counts in. Integer fen only: a red packet
/// has no fractions, and floating point has no place near a payment.
public struct Amount: Sendable, Hashable, Comparable, Codable {
    public let fen: Int

    public init(fen: Int) {
        self.fen = fen
    }

    public static func < (lhs: Amount, rhs: Amount) -> Bool {
        lhs.fen < rhs.fen
    }

    public static func + (lhs: Amount, rhs: Amount) -> Amount {
        Amount(fen: lhs.fen + rhs.fen)
    }

    public static let zero = Amount(fen: 0)
}

extension Amount: CustomStringConvertible {
    /// Yuan with two decimals, as operators read money.
    public var description: String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
