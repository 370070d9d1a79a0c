/// The business fields of one red packet. Every attempt for an item sends exactly these,
/// under the same bill number; only nonce_str and sign change between attempts.
public struct RedpackRequest: Sendable, Equatable {
    public var billNumber: BillNumber
    public var openid: String
    public var amount: Amount
    public var sendName: String
    /// Sent when set; the seed API requires it, the current one ignores it.
    public var nickName: String?
    public var wishing: String
    public var actName: String
    public var remark: String
    public var sceneID: String?

    public init(
        billNumber: BillNumber, openid: String, amount: Amount, sendName: String, nickName: String? = nil,
        wishing: String, actName: String, remark: String, sceneID: String? = nil
    ) {
        self.billNumber = billNumber
        self.openid = openid
        self.amount = amount
        self.sendName = sendName
        self.nickName = nickName
        self.wishing = wishing
        self.actName = actName
        self.remark = remark
        self.sceneID = sceneID
    }

    /// The request for one item of a campaign: the item's own fields and the campaign's
    /// frozen texts.
    public init(billNumber: BillNumber, openid: String, amount: Amount, texts: CampaignTexts) {
        self.init(
            billNumber: billNumber, openid: openid, amount: amount, sendName: texts.sendName, nickName: texts.nickName,
            wishing: texts.wishing, actName: texts.actName, remark: texts.remark, sceneID: texts.sceneID)
    }

    /// The request fields without nonce_str and sign; empty optional fields are not sent.
    func fields(for merchant: Merchant) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("mch_billno", billNumber.rawValue),
            ("mch_id", merchant.mchID),
            ("wxappid", merchant.wxappid),
            ("send_name", sendName),
            ("re_openid", openid),
            ("total_amount", String(amount.fen)),
            ("total_num", "1"),
            ("wishing", wishing),
            ("client_ip", merchant.clientIP),
            ("act_name", actName),
            ("remark", remark),
        ]
        if let nickName, !nickName.isEmpty { fields.append(("nick_name", nickName)) }
        if let sceneID, !sceneID.isEmpty { fields.append(("scene_id", sceneID)) }
        return fields
    }
}
