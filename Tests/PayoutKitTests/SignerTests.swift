@testable import PayoutKit
import Testing

@Suite struct SignerTests {
    static let key = APIKey("192006250b4c09247ec02edce69f6a2d")

    static let simpleVector = [
        "appid": "wxd930ea5d5a258f4f", "body": "test", "device_info": "1000",
        "mch_id": "10000100", "nonce_str": "ibuaiVcKdpRxkhJA",
    ]

    @Test func md5MatchesThePublishedVector() {
        #expect(Signer(key: Self.key).sign(Self.simpleVector) == "9A0A8659F005D6984697E2CA0A9CF3B7")
    }

    @Test func hmacSHA256MatchesThePublishedVector() {
        #expect(Signer(key: Self.key, algorithm: .hmacSHA256).sign(Self.simpleVector)
            == "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6")
    }

    @Test func seedRequestMatchesItsVector() {
        let fields = [
            "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "mch_billno": "10000098201411111234567890",
            "mch_id": "10000098", "wxappid": "wx8888888888888888", "nick_name": "天虹百货", "send_name": "天虹百货",
            "re_openid": "oxTWIuGaIt6gTKsQRLau2M0yL16E", "total_amount": "1000", "min_value": "1000",
            "max_value": "1000", "total_num": "1", "wishing": "感谢您参加猜灯谜活动,祝您元宵节快乐!",
            "client_ip": "192.168.0.1", "act_name": "猜灯谜抢红包活动", "remark": "猜越多得越多,快来抢!",
            "logo_imgurl": "", "share_content": "", "share_url": "", "share_imgurl": "",
        ]
        #expect(Signer(key: Self.key).sign(fields) == "3CD80A9265D1EEC8F8491C73EF1719EE")
    }

    @Test func signIsExcludedAndVerifiedInConstantShape() {
        let signer = Signer(key: Self.key)
        var fields = Self.simpleVector
        fields["sign"] = "9A0A8659F005D6984697E2CA0A9CF3B7"
        #expect(signer.sign(fields) == "9A0A8659F005D6984697E2CA0A9CF3B7")
        #expect(signer.verify(fields))
        fields["body"] = "tampered"
        #expect(!signer.verify(fields))
        fields.removeValue(forKey: "sign")
        #expect(!signer.verify(fields))
    }

    @Test func apiKeyNeverPrints() {
        #expect("\(Self.key)" == "<api key redacted>")
        #expect(String(reflecting: Self.key) == "<api key redacted>")
        #expect(!"\(Signer(key: Self.key))".contains("192006250b4c"))
    }

    @Test func nonceIsThirtyTwoAlphanumericsAndFresh() {
        let first = SecureRandom.alphanumeric(32)
        let second = SecureRandom.alphanumeric(32)
        #expect(first.count == 32)
        #expect(first.utf8.allSatisfy { $0.isASCIIAlphanumeric })
        #expect(first != second)
    }
}
