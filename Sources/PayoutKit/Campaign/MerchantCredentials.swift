import Foundation

/// Turns a manifest's merchant section into what the client needs — the API key and the
/// client certificate — checking each and naming the file or variable when one is wrong.
/// The key's value never appears in a message.
public enum MerchantCredentials {
    public static func apiKey(
        _ source: SecretSource, manifest: String, allowReadableKeyFile: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(InputError) -> APIKey {
        let value: String
        switch source {
        case .environment(let name):
            guard let variable = environment[name], !variable.isEmpty else {
                throw InputError(file: manifest, line: nil, message: "merchant.api_key: the environment variable \(name) is not set")
            }
            value = variable
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0, let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InputError(file: manifest, line: nil, message: "merchant.api_key: cannot read the key file \(path)")
            }
            if info.st_mode & 0o077 != 0 && !allowReadableKeyFile {
                throw InputError(file: manifest, line: nil, message:
                    "merchant.api_key: the key file \(path) is readable by other users: run chmod 600 \(path) (or pass --allow-readable-key-file)")
            }
            value = contents.trimmingASCIIWhitespace()
        }
        guard value.count == 32, value.utf8.allSatisfy(\.isASCIIAlphanumeric) else {
            throw InputError(file: manifest, line: nil, message:
                "merchant.api_key: the key from \(source) is not 32 letters and digits, as WeChat Pay API keys are")
        }
        return APIKey(value)
    }

    /// The merchant and transport for a real endpoint.
    public static func resolve(_ manifest: Manifest, allowReadableKeyFile: Bool = false) throws(InputError) -> (Merchant, TransportConfiguration) {
        let settings = manifest.merchant
        guard case .url(let endpoint) = settings.endpoint, let source = settings.apiKey, let certificate = settings.certificate else {
            throw InputError(file: manifest.path, line: nil, message: "merchant: api_key and cert are required for a real endpoint")
        }
        let key = try apiKey(source, manifest: manifest.path, allowReadableKeyFile: allowReadableKeyFile)
        let identity: ClientIdentity
        do {
            identity = try ClientIdentity(certificate: certificate, key: settings.key, password: settings.mchID)
        } catch {
            throw InputError(file: manifest.path, line: nil, message: "merchant.cert: \(error)")
        }
        if let caFile = settings.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw InputError(file: manifest.path, line: nil, message: "merchant.ca_file: cannot read \(caFile)")
        }
        let merchant = Merchant(mchID: settings.mchID, wxappid: settings.wxappid, clientIP: settings.clientIP, apiKey: key, endpoint: endpoint)
        return (merchant, TransportConfiguration(identity: identity, caFile: settings.caFile))
    }
}
