/// The values besides the texts that go into every request of a campaign, frozen at import
/// with it: a sandbox trial can then never settle a real campaign's items (nor the
/// reverse), and a retry always repeats the original request — a changed client_ip would
/// turn a lost answer's retry into FATAL_ERROR.
public struct CampaignBinding: Sendable, Equatable {
    /// `sandbox`, or the endpoint's URL.
    public var endpoint: String
    public var clientIP: String
    /// Part of every bill number the campaign's items are given.
    public var site: Int

    public init(endpoint: String, clientIP: String, site: Int) {
        self.endpoint = endpoint
        self.clientIP = clientIP
        self.site = site
    }

    public init(_ merchant: MerchantSettings) {
        switch merchant.endpoint {
        case .sandbox: endpoint = Self.sandbox
        case .url(let url): endpoint = url
        }
        clientIP = merchant.clientIP
        site = merchant.site
    }

    static let sandbox = "sandbox"

    /// `key was old, now new` for every value that differs from `imported`.
    func changes(since imported: CampaignBinding) -> [String] {
        [("merchant.endpoint", imported.endpoint, endpoint), ("merchant.client_ip", imported.clientIP, clientIP),
         ("merchant.site", String(imported.site), String(site))]
            .compactMap { key, old, new in old == new ? nil : "\(key) was \(old), now \(new)" }
    }
}
