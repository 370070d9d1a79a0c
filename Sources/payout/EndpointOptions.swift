import ArgumentParser
import PayoutKit
import RedpackSandbox

/// How `run` and `reconcile` reach the API: the merchant's endpoint, or the bundled sandbox
/// for `endpoint: sandbox` (remembering its payments beside the ledger).
struct EndpointOptions: ParsableArguments {
    @Flag(name: .customLong("allow-readable-key-file"), help: "Accept an API key file that other users can read.")
    var allowReadableKeyFile = false
    @Option(name: .customLong("request-timeout"), help: "Seconds to wait for one answer before asking again under the same bill number.")
    var requestTimeout = 30.0

    func validate() throws {
        guard requestTimeout >= 0.1 && requestTimeout <= 600 else {
            throw ValidationError("--request-timeout must be between 0.1 and 600 seconds")
        }
    }

    var timeout: Duration { .milliseconds(Int(requestTimeout * 1000)) }

    func endpoint(ledger: String) -> SandboxEndpoint {
        SandboxEndpoint(merchant: MerchantEndpoint(allowReadableKeyFile: allowReadableKeyFile), ledger: ledger)
    }
}
