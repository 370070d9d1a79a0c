import Foundation

/// Where a campaign's ledger lives.
public enum LedgerFile {
    /// `--ledger`, else `PAYOUT_LEDGER`, else `payout.sqlite` beside the manifest.
    public static func path(option: String?, manifestPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option { return option }
        if let variable = environment["PAYOUT_LEDGER"], !variable.isEmpty { return variable }
        let directory = (manifestPath as NSString).deletingLastPathComponent
        return directory.isEmpty ? "payout.sqlite" : directory + "/payout.sqlite"
    }
}
