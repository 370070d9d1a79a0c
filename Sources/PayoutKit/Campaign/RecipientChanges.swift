/// What changed in a recipients file since its campaign was imported, line by line, so the
/// operator sees exactly which amounts and rows differ — and is never invited to import the
/// whole file again under another id, which would pay everyone twice.
///
/// Rows are matched by openid, in file order when a recipient has several rows.
struct RecipientChanges {
    /// Changes listed before the rest is only counted.
    static let shown = 20

    private(set) var lines: [String] = []

    init(_ manifest: Manifest, imported: [String: [(line: Int, amount: Int)]]) throws(InputError) {
        var unmatched = imported
        let file = manifest.recipients
        var found: [String] = []
        _ = try RecipientsValidator.read(manifest) { row in
            let openid = String(decoding: row.openid, as: UTF8.self)
            guard var earlier = unmatched[openid], !earlier.isEmpty else {
                found.append("\(file):\(row.line): row added (openid \(openid), amount \(row.amount.fen))")
                return
            }
            let old = earlier.removeFirst()
            unmatched[openid] = earlier
            if old.amount != row.amount.fen {
                found.append("\(file):\(row.line): amount was \(old.amount), now \(row.amount.fen)")
            }
        }
        let removed = unmatched.flatMap { openid, rows in rows.map { (openid, $0.line) } }.sorted { $0.1 < $1.1 }
        found += removed.map { "\(file): row removed (line \($0.1) of the imported file, openid \($0.0))" }
        lines = found
    }

    /// At most `shown` lines, then how many more.
    var summary: [String] {
        var shownLines = Array(lines.prefix(Self.shown))
        if lines.count > Self.shown {
            shownLines.append("… and \(lines.count - Self.shown) more changes")
        }
        return shownLines
    }
}
