/// The texts every red packet of a campaign carries. They freeze at import: every request
/// for an item, retries included, must carry exactly what the first one did.
public struct CampaignTexts: Sendable, Equatable {
    public var actName: String
    public var wishing: String
    public var remark: String
    public var sendName: String
    public var nickName: String
    /// Sent only when present.
    public var sceneID: String?

    public init(actName: String, wishing: String, remark: String, sendName: String, nickName: String, sceneID: String?) {
        self.actName = actName
        self.wishing = wishing
        self.remark = remark
        self.sendName = sendName
        self.nickName = nickName
        self.sceneID = sceneID
    }

    /// Each text under its manifest key (also the ledger's column name, in its column order),
    /// for writing the campaign row and for messages that say what changed.
    var keyed: [(key: String, value: String)] {
        [("act_name", actName), ("wishing", wishing), ("remark", remark), ("send_name", sendName),
         ("nick_name", nickName), ("scene_id", sceneID ?? "")]
    }

    /// `key was 'old', now 'new'` for every text that differs from `imported`.
    func changes(since imported: CampaignTexts) -> [String] {
        zip(imported.keyed, keyed).compactMap { old, new in
            old.value == new.value ? nil : "\(new.key) was '\(old.value)', now '\(new.value)'"
        }
    }
}
