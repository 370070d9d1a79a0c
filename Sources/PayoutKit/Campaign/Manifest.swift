import Foundation

/// A campaign as marketing staff describe it in YAML: the texts every red packet carries,
/// where the recipients are, which merchant pays, and the limits of the run.
public struct Manifest: Sendable, Equatable {
    /// The manifest's path as the operator gave it, for messages.
    public var path: String
    public var campaign: String
    public var texts: CampaignTexts
    /// The recipients file, resolved against the manifest's folder.
    public var recipients: String
    public var budget: Amount?
    public var allowDuplicates: Bool
    public var merchant: MerchantSettings
    public var limits: Limits
    /// The earlier campaign this one deliberately pays again (a monthly payout to the same
    /// list): without it the merchant registry refuses a campaign id or a recipients file
    /// another ledger already holds.
    public var repeatOf: String?
}

public struct MerchantSettings: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        /// The bundled simulator, started for the run with its own certificates and key.
        case sandbox
        case url(String)
    }

    public var mchID: String
    public var wxappid: String
    public var clientIP: String
    /// Where the API key comes from; nil only with the sandbox.
    public var apiKey: SecretSource?
    /// Resolved paths; nil only with the sandbox.
    public var certificate: String?
    public var key: String?
    public var caFile: String?
    public var endpoint: Endpoint
    /// 0–99, part of every bill number: machines of one merchant with different sites never
    /// produce the same number (the registry only reaches across ledgers of one machine).
    public var site = 0

    public var isSandbox: Bool { endpoint == .sandbox }
}

public struct Limits: Sendable, Equatable {
    public var perMinute = 1800
    /// gethbinfo queries per minute for `reconcile`: its own quota, apart from the sends'.
    public var queryPerMinute = 600
    /// nil when `quiet_hours: off`.
    public var quietHours: QuietHours? = .default
    public var minimumAmount = Amount(fen: 100)
    public var maximumAmount = Amount(fen: 20_000)
    public var dailyCaps = DailyCaps()
}

/// What one openid may receive from the merchant in one Beijing day, across all its
/// campaigns: checked before sending, so an item over a cap waits for the next day instead of
/// failing with SENDNUM_LIMIT or RCVDAMOUNT_LIMIT.
public struct DailyCaps: Sendable, Equatable {
    public var count = 10
    public var amount = Amount(fen: 100_000)
}

/// `env:NAME` or `file:PATH`: the manifest names where the API key is, never the key.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    case environment(String)
    case file(String)

    public var description: String {
        switch self {
        case .environment(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        }
    }
}
