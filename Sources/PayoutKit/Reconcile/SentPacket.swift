/// A `sent` item whose packet is not settled yet, as `reconcile` asks gethbinfo about it:
/// what the ledger says was paid, under which bill number.
public struct SentPacket: Sendable, Equatable {
    public var itemID: Int
    public var line: Int
    public var openid: String
    public var amount: Amount
    public var billNumber: BillNumber

    public init(itemID: Int, line: Int, openid: String, amount: Amount, billNumber: BillNumber) {
        self.itemID = itemID
        self.line = line
        self.openid = openid
        self.amount = amount
        self.billNumber = billNumber
    }
}
