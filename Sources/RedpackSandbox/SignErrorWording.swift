/// How the server words a bad signature. payout must stop the run on either, so the sandbox
/// plays both: today's wording and the one the seed document shows.
public enum SignErrorWording: String, Sendable, CaseIterable {
    /// What the API answers today: 签名错误, with err_code SIGN_ERROR as it often adds.
    case live
    /// The seed document's 签名失败, a bare return_code FAIL.
    case legacy

    var answer: [(String, String)] {
        switch self {
        case .live:
            [("return_code", "FAIL"), ("return_msg", "签名错误"), ("result_code", "FAIL"),
             ("err_code", "SIGN_ERROR"), ("err_code_des", "签名错误")]
        case .legacy:
            [("return_code", "FAIL"), ("return_msg", "签名失败")]
        }
    }
}
