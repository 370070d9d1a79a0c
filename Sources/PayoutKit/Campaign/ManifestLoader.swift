import Foundation
import Yams

/// Reads a manifest strictly: every unknown key, wrong type, over-long text and bad value
/// is a problem with the file, line and key, and all of them are reported at once.
public enum ManifestLoader {
    public static func load(_ path: String) throws(InputError) -> Manifest {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "does not exist"
            throw InputError(file: path, line: nil, message: "manifest \(reason)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError(file: path, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw InputError(file: path, line: nil, message: "not valid YAML: \(error)")
        }
        var reader = ManifestReader(path: path)
        let manifest = reader.read(root)
        guard reader.problems.isEmpty, let manifest else {
            throw InputError(reader.problems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element))
        }
        return manifest
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key \(duplicates.joined(separator: ", "))"
        default:
            return String(describing: error)
        }
    }
}

/// Walks the YAML tree, collecting problems instead of stopping at the first.
struct ManifestReader {
    let path: String
    private(set) var problems: [InputProblem] = []

    init(path: String) {
        self.path = path
    }

    private static let topKeys: Set = ["campaign", "act_name", "wishing", "remark", "send_name", "nick_name", "scene_id",
                                       "recipients", "budget", "allow_duplicates", "merchant", "limits", "repeat_of"]
    private static let merchantKeys: Set = ["mch_id", "wxappid", "client_ip", "api_key", "cert", "key", "ca_file", "endpoint", "site"]
    /// Amounts WeChat Pay sends without a scene_id.
    private static let sceneFreeAmounts = Amount(fen: 100)...Amount(fen: 20_000)
    private static let limitKeys: Set = ["per_minute", "query_per_minute", "quiet_hours", "min_amount", "max_amount",
                                         "per_user_daily_count", "per_user_daily_amount"]

    private static func checkCampaignID(_ value: String) -> String? {
        value.count <= 64 && value.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
            ? nil : "must be 1 to 64 of letters, digits, '-' and '_'"
    }

    mutating func read(_ root: Node?) -> Manifest? {
        guard let root, let top = mapping(root, name: nil, known: Self.topKeys) else {
            if root == nil { report(Mark?.none, "the manifest is empty") }
            return nil
        }
        let campaign = string(top, "campaign", required: true, check: Self.checkCampaignID)
        let repeatOf = string(top, "repeat_of", required: false, check: Self.checkCampaignID)
        let actName = text(top, "act_name", limit: 32)
        let wishing = text(top, "wishing", limit: 128)
        let remark = text(top, "remark", limit: 256)
        let sendName = text(top, "send_name", limit: 32)
        let nickName = text(top, "nick_name", limit: 32, required: false)
        let sceneID = string(top, "scene_id", required: false) { value in
            (1...8).map { "PRODUCT_\($0)" }.contains(value) ? nil : "must be one of PRODUCT_1 … PRODUCT_8"
        }
        let recipients = string(top, "recipients", required: true).map(resolve)
        let budget = integer(top, "budget", range: 1...Int(Int32.max)).map(Amount.init(fen:))
        let allowDuplicates = boolean(top, "allow_duplicates") ?? false
        if let repeatOf, repeatOf == campaign {
            report(top.keyNode("repeat_of") ?? top["repeat_of"], "repeat_of: must name an earlier campaign, not this one (\(repeatOf))")
        }
        let merchant = readMerchant(top["merchant"], in: top)
        let limits = readLimits(top["limits"])
        if let limits, sceneID == nil,
           limits.minimumAmount < Self.sceneFreeAmounts.lowerBound || limits.maximumAmount > Self.sceneFreeAmounts.upperBound {
            let key = limits.maximumAmount > Self.sceneFreeAmounts.upperBound ? "max_amount" : "min_amount"
            report(top["limits"]?.mapping?.keyNode(key) ?? top["limits"], "scene_id: required when limits.min_amount/max_amount allow amounts outside 100–20000 fen "
                + "(WeChat Pay needs one for packets under 1 yuan or over 200 yuan)")
        }

        guard problems.isEmpty, let campaign, let actName, let wishing, let remark, let sendName, let recipients,
              let merchant, let limits else { return nil }
        return Manifest(
            path: path, campaign: campaign,
            texts: CampaignTexts(
                actName: actName, wishing: wishing, remark: remark, sendName: sendName, nickName: nickName ?? sendName,
                sceneID: sceneID),
            recipients: recipients, budget: budget,
            allowDuplicates: allowDuplicates, merchant: merchant, limits: limits, repeatOf: repeatOf)
    }

    private mutating func readMerchant(_ node: Node?, in top: Node.Mapping) -> MerchantSettings? {
        guard let node else {
            report(top.mark, "merchant: missing: the merchant section is required")
            return nil
        }
        guard let section = mapping(node, name: "merchant", known: Self.merchantKeys) else { return nil }
        let endpointText = string(section, "endpoint", required: false, prefix: "merchant.") { value in
            value == "sandbox" || value.hasPrefix("https://") ? nil : "must be an https:// URL or \"sandbox\""
        }
        let endpoint: MerchantSettings.Endpoint = endpointText.map { $0 == "sandbox" ? .sandbox : .url($0) }
            ?? .url(Merchant.productionEndpoint)
        let isSandbox = endpoint == .sandbox
        let mchID = string(section, "mch_id", required: true, prefix: "merchant.") { value in
            value.count <= BillNumber.maximumMchIDLength && value.allSatisfy(\.isASCIIDigit)
                ? nil : "must be 1 to \(BillNumber.maximumMchIDLength) digits (bill numbers are mch_id + 18 digits, at most 28)"
        }
        let wxappid = string(section, "wxappid", required: true, prefix: "merchant.") { value in
            value.count <= 32 && value.utf8.allSatisfy(\.isASCIIAlphanumeric) ? nil : "must be at most 32 letters and digits"
        }
        let clientIP = string(section, "client_ip", required: true, prefix: "merchant.") { value in
            Self.isIPv4(value) ? nil : "must be an IPv4 address such as 192.168.0.1"
        }
        let apiKey = secret(section, required: !isSandbox)
        let certificate = string(section, "cert", required: !isSandbox, prefix: "merchant.").map(resolve)
        let key = string(section, "key", required: false, prefix: "merchant.").map(resolve)
        let caFile = string(section, "ca_file", required: false, prefix: "merchant.").map(resolve)
        let site = integer(section, "site", range: 0...99, prefix: "merchant.")
        guard let mchID, let wxappid, let clientIP else { return nil }
        return MerchantSettings(
            mchID: mchID, wxappid: wxappid, clientIP: clientIP, apiKey: apiKey, certificate: certificate,
            key: key, caFile: caFile, endpoint: endpoint, site: site ?? 0)
    }

    private mutating func readLimits(_ node: Node?) -> Limits? {
        var limits = Limits()
        guard let node else { return limits }
        guard let section = mapping(node, name: "limits", known: Self.limitKeys) else { return nil }
        if let perMinute = integer(section, "per_minute", range: 1...1_000_000, prefix: "limits.") {
            limits.perMinute = perMinute
        }
        if let queryPerMinute = integer(section, "query_per_minute", range: 1...1_000_000, prefix: "limits.") {
            limits.queryPerMinute = queryPerMinute
        }
        if let quiet = string(section, "quiet_hours", required: false, prefix: "limits.", check: { value in
            value == "off" || QuietHours(parsing: value) != nil ? nil : "must be HH:MM-HH:MM (Beijing time) or off"
        }) {
            limits.quietHours = quiet == "off" ? nil : QuietHours(parsing: quiet)
        }
        if let minimum = integer(section, "min_amount", range: 1...Int(Int32.max), prefix: "limits.") {
            limits.minimumAmount = Amount(fen: minimum)
        }
        if let maximum = integer(section, "max_amount", range: 1...Int(Int32.max), prefix: "limits.") {
            limits.maximumAmount = Amount(fen: maximum)
        }
        if let count = integer(section, "per_user_daily_count", range: 1...1_000_000, prefix: "limits.") {
            limits.dailyCaps.count = count
        }
        if let amount = integer(section, "per_user_daily_amount", range: 1...Int(Int32.max), prefix: "limits.") {
            limits.dailyCaps.amount = Amount(fen: amount)
        }
        if limits.dailyCaps.amount < limits.maximumAmount {
            report(section.keyNode("per_user_daily_amount") ?? node,
                   "limits.per_user_daily_amount: \(limits.dailyCaps.amount.fen) is below max_amount \(limits.maximumAmount.fen): "
                   + "a packet above it could never be paid and would wait forever")
        }
        if limits.minimumAmount > limits.maximumAmount {
            report(section.keyNode("min_amount") ?? node, "limits.min_amount: \(limits.minimumAmount.fen) is above max_amount \(limits.maximumAmount.fen)")
        }
        return limits
    }

    // MARK: typed accessors

    private mutating func mapping(_ node: Node, name: String?, known: Set<String>) -> Node.Mapping? {
        guard let mapping = node.mapping else {
            report(node, name.map { "\($0): must be a mapping of keys" } ?? "the manifest must be a mapping of keys")
            return nil
        }
        for (key, _) in mapping {
            let keyName = key.scalar?.string ?? ""
            if !known.contains(keyName) {
                let full = name.map { "\($0).\(keyName)" } ?? keyName
                let hint = Self.closest(to: keyName, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                report(key, "unknown key '\(full)'\(hint)")
            }
        }
        return mapping
    }

    private mutating func string(
        _ mapping: Node.Mapping, _ key: String, required: Bool, prefix: String = "",
        check: (String) -> String? = { _ in nil }
    ) -> String? {
        guard let node = mapping[key] else {
            if required { report(mapping.mark, "\(prefix)\(key): missing: this key is required") }
            return nil
        }
        guard let scalar = node.scalar else {
            report(node, "\(prefix)\(key): must be a single value")
            return nil
        }
        let value = scalar.string
        guard !value.isEmpty else {
            report(node, "\(prefix)\(key): must not be empty")
            return nil
        }
        if let problem = check(value) {
            report(node, "\(prefix)\(key): \(problem)")
            return nil
        }
        return value
    }

    /// Texts shown to recipients: counted in characters, as the API counts them.
    private mutating func text(_ mapping: Node.Mapping, _ key: String, limit: Int, required: Bool = true) -> String? {
        string(mapping, key, required: required) { value in
            if value.count > limit { return "\(value.count) characters, at most \(limit) allowed" }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return "must not contain control characters or line breaks"
            }
            return nil
        }
    }

    private mutating func integer(_ mapping: Node.Mapping, _ key: String, range: ClosedRange<Int>, prefix: String = "") -> Int? {
        guard let node = mapping[key] else { return nil }
        guard let text = node.scalar?.string, let value = Int(text) else {
            report(node, "\(prefix)\(key): must be a whole number")
            return nil
        }
        guard range.contains(value) else {
            report(node, "\(prefix)\(key): must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return value
    }

    private mutating func boolean(_ mapping: Node.Mapping, _ key: String) -> Bool? {
        guard let node = mapping[key] else { return nil }
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(node, "\(key): must be true or false")
            return nil
        }
    }

    /// The API key's source. The value itself never appears in a message.
    private mutating func secret(_ mapping: Node.Mapping, required: Bool) -> SecretSource? {
        guard let node = mapping["api_key"] else {
            if required { report(mapping.mark, "merchant.api_key: missing: name where the key is, as env:NAME or file:PATH") }
            return nil
        }
        let value = node.scalar?.string ?? ""
        if value.hasPrefix("env:"), value.count > 4 {
            return .environment(String(value.dropFirst(4)))
        }
        if value.hasPrefix("file:"), value.count > 5 {
            return .file(resolve(String(value.dropFirst(5))))
        }
        report(node, "merchant.api_key: must be env:NAME or file:PATH; the key itself never belongs in a manifest")
        return nil
    }

    // MARK: helpers

    private func resolve(_ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? relative : directory + "/" + relative
    }

    private mutating func report(_ node: Node?, _ message: String) {
        report(node?.mark, message)
    }

    private mutating func report(_ mark: Mark?, _ message: String) {
        problems.append(InputProblem(file: path, line: mark?.line ?? 1, message: message))
    }

    private static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            (1...3).contains(part.count) && part.allSatisfy(\.isASCIIDigit) && Int(part)! <= 255
        }
    }

    /// A key within two edits of a known one is most likely a typo of it.
    private static func closest(to key: String, in known: Set<String>) -> String? {
        known.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension Node.Mapping {
    /// The key node itself, for locating a problem with the key's value.
    func keyNode(_ key: String) -> Node? {
        first { $0.key.scalar?.string == key }?.key
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
