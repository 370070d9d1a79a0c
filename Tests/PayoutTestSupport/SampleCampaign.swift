/// The campaign most tests start from: the seed's texts, the sandbox merchant, recipients
/// in `r.csv` beside the manifest, quiet hours off so tests run at any hour.
public enum SampleCampaign {
    public static let manifest = """
        campaign: c1
        act_name: 猜灯谜抢红包活动
        wishing: 感谢您参加猜灯谜活动,祝您元宵节快乐!
        remark: 猜越多得越多,快来抢!
        send_name: 天虹百货
        recipients: r.csv
        merchant:
          mch_id: "10000098"
          wxappid: wx8888888888888888
          client_ip: 192.168.0.1
          endpoint: sandbox
        limits:
          quiet_hours: "off"

        """
}
