import Foundation
import Glibc

/// The folder where payout keeps what reaches beyond one ledger: one merchant registry per
/// mch_id. `PAYOUT_HOME`, else `$XDG_STATE_HOME/payout`, else `~/.local/state/payout`.
public struct PayoutHome: Sendable, Equatable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let home = environment["PAYOUT_HOME"], !home.isEmpty {
            path = home
        } else if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            path = state + "/payout"
        } else {
            path = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state/payout"
        }
    }

    /// The mch_ids with a registry here, in order; none when the folder does not exist yet.
    func merchants() throws(FileError) -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw FileError("list the folder", path)
        }
        return names.compactMap { name in
            guard name.hasPrefix("merchant-"), name.hasSuffix(".sqlite") else { return nil }
            return String(name.dropFirst("merchant-".count).dropLast(".sqlite".count))
        }.sorted()
    }

    /// The merchant's registry file, created with the folder (mode 0700: the registry names
    /// every ledger and campaign of the merchant) when it is missing.
    func registryPath(for mchID: String) throws(FileError) -> String {
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw FileError("create the folder", parent)
            }
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw FileError("create PAYOUT_HOME", path) }
        } else if !isFolder.boolValue {
            throw FileError("use as PAYOUT_HOME (it is not a folder)", path, code: ENOTDIR)
        }
        return path + "/merchant-\(mchID).sqlite"
    }
}
