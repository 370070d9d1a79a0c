/// The merchant account a run pays from: identifiers, signing key and endpoint.
/// The client certificate lives in the transport.
public struct Merchant: Sendable {
    public var mchID: String
    public var wxappid: String
    public var clientIP: String
    public var apiKey: APIKey
    /// Base URL, e.g. `https://api.mch.weixin.qq.com`.
    public var endpoint: String

    public init(mchID: String, wxappid: String, clientIP: String, apiKey: APIKey, endpoint: String) {
        self.mchID = mchID
        self.wxappid = wxappid
        self.clientIP = clientIP
        self.apiKey = apiKey
        self.endpoint = endpoint
    }

    public static let productionEndpoint = "https://api.mch.weixin.qq.com"
}
