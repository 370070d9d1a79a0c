import Foundation
import PayoutKit
import Testing

/// Bad input, class by class: the exact message with file and line, exit status 2, and a
/// ledger that is byte-for-byte what it was (or, for a new ledger, never created).
@Suite struct CampaignInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var manifest: String = CampaignFolder.manifest
        var recipients: String? = CampaignFolder.recipients
        var expected: [String]

        var testDescription: String { name }
    }

    static func replacing(_ old: String, _ new: String, in text: String = CampaignFolder.manifest) -> String {
        text.replacingOccurrences(of: old, with: new)
    }

    static let cases: [Case] = [
        Case(name: "missing column", recipients: "openid,name\noxTWIuGaIt6gTKsQRLau2M0yL16E,张三\n",
             expected: ["r.csv:1: missing required column 'amount' (the header has: openid, name)"]),
        Case(name: "non-integer amount", recipients: "openid,amount\noxTWIuGaIt6gTKsQRLau2M0yL16E,12.5\n",
             expected: ["r.csv:2: amount '12.5' is not a whole number of fen (1 yuan = 100 fen)"]),
        Case(name: "amount under min", recipients: "openid,amount\noxTWIuGaIt6gTKsQRLau2M0yL16E,99\n",
             expected: ["r.csv:2: amount 99 is below the minimum of 100 fen"]),
        Case(name: "amount over max", recipients: "openid,amount\noxTWIuGaIt6gTKsQRLau2M0yL16E,20001\n",
             expected: ["r.csv:2: amount 20001 is above the maximum of 20000 fen"]),
        Case(name: "bad openid", recipients: "openid,amount\noxTW IuGa,100\n",
             expected: ["r.csv:2: openid 'oxTW IuGa' is not 6 to 32 characters of A-Z a-z 0-9 _ -"]),
        Case(name: "duplicate openid",
             recipients: "openid,amount\noxTWIuGaIt6gTKsQRLau2M0yL16E,100\noN7KBpzXzXsWjkJrmIgg2dUrscy6,100\noxTWIuGaIt6gTKsQRLau2M0yL16E,200\n",
             expected: ["r.csv:4: duplicate openid oxTWIuGaIt6gTKsQRLau2M0yL16E (first on line 2); set allow_duplicates: true to pay it more than once"]),
        Case(name: "over-long wishing in Chinese characters",
             manifest: replacing("wishing: 感谢您参加猜灯谜活动,祝您元宵节快乐!", with: "wishing: " + String(repeating: "祝", count: 129)),
             expected: ["m.yaml:3: wishing: 129 characters, at most 128 allowed"]),
        Case(name: "over-long act_name in Chinese characters",
             manifest: replacing("act_name: 猜灯谜抢红包活动", with: "act_name: " + String(repeating: "灯", count: 33)),
             expected: ["m.yaml:2: act_name: 33 characters, at most 32 allowed"]),
        Case(name: "unknown manifest key", manifest: replacing("remark:", with: "remarks:"),
             expected: ["m.yaml:1: remark: missing: this key is required",
                        "m.yaml:4: unknown key 'remarks' (did you mean 'remark'?)"]),
        Case(name: "inline API key",
             manifest: replacing("  endpoint: sandbox", with: "  api_key: 192006250b4c09247ec02edce69f6a2d\n  cert: c.pem"),
             expected: ["m.yaml:11: merchant.api_key: must be env:NAME or file:PATH; the key itself never belongs in a manifest"]),
        Case(name: "missing recipients file", recipients: nil, expected: ["r.csv: recipients file does not exist"]),
        Case(name: "amounts over 200 yuan without scene_id",
             manifest: replacing("  quiet_hours: \"off\"", with: "  quiet_hours: \"off\"\n  max_amount: 50000"),
             expected: ["m.yaml:14: scene_id: required when limits.min_amount/max_amount allow amounts outside 100–20000 fen "
                        + "(WeChat Pay needs one for packets under 1 yuan or over 200 yuan)"]),
        Case(name: "budget exceeded", manifest: replacing("recipients: r.csv", with: "recipients: r.csv\nbudget: 500"),
             expected: ["r.csv: the amounts add up to 988 fen, above the manifest's budget of 500 fen"]),
        Case(name: "empty CSV", recipients: "",
             expected: ["r.csv:1: the file is empty: expected a header row with openid and amount"]),
        Case(name: "header only", recipients: "openid,amount\n", expected: ["r.csv: no recipients after the header row"]),
        Case(name: "query rate out of range", manifest: replacing("  quiet_hours: \"off\"", "  quiet_hours: \"off\"\n  query_per_minute: 0"),
             expected: ["m.yaml:14: limits.query_per_minute: must be between 1 and 1000000"]),
        Case(name: "an error after a quoted cell that spans lines",
             recipients: "openid,amount,note\noxTWIuGaIt6gTKsQRLau2M0yL16E,100,\"two\nlines\"\noN7KBpzXzXsWjkJrmIgg2dUrscy6,abc,x\n",
             expected: ["r.csv:4: amount 'abc' is not a whole number of fen (1 yuan = 100 fen)"]),
        Case(name: "unterminated quote", recipients: "openid,amount\n\"oxTWIuGaIt6gTKsQRLau2M0yL16E,100\n",
             expected: ["r.csv:2: a quoted cell is never closed (a \" is missing)"]),
        Case(name: "every problem is reported",
             recipients: "openid,amount\nshort,100\noxTWIuGaIt6gTKsQRLau2M0yL16E,abc\noN7KBpzXzXsWjkJrmIgg2dUrscy6,1\n",
             expected: ["r.csv:2: openid 'short' is not 6 to 32 characters of A-Z a-z 0-9 _ -",
                        "r.csv:3: amount 'abc' is not a whole number of fen (1 yuan = 100 fen)",
                        "r.csv:4: amount 1 is below the minimum of 100 fen"]),
    ]

    static func replacing(_ old: String, with new: String) -> String {
        CampaignFolder.manifest.replacingOccurrences(of: old, with: new)
    }

    @Test(arguments: cases)
    func badInputIsRefusedWithItsLocationAndChangesNothing(_ badCase: Case) async throws {
        let folder = try CampaignFolder(manifest: CampaignFolder.manifest.replacingOccurrences(of: "campaign: c1", with: "campaign: c0"))
        defer { folder.remove() }
        try #require(await folder.payout("import", "m.yaml").status == 0)
        let before = try folder.read("payout.sqlite")
        folder.write(replacingCampaign: badCase)
        for command in ["validate", "import"] {
            let result = try await folder.payout(command, "m.yaml")
            #expect(result.status == 2, "\(command) must exit 2")
            #expect(result.stderr.split(separator: "\n").map(String.init) == badCase.expected, "\(command)")
        }
        #expect(try folder.read("payout.sqlite") == before, "the ledger is byte-for-byte unchanged")
        let fresh = try await folder.payout("import", "m.yaml", "--ledger", "fresh.sqlite")
        #expect(fresh.status == 2)
        #expect(!folder.exists("fresh.sqlite"), "bad input never creates a ledger")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).contains { $0.contains(".importing") }))
    }

    @Test func allowedDuplicatesImport() async throws {
        let folder = try CampaignFolder(
            manifest: CampaignFolder.manifest + "allow_duplicates: true\n",
            recipients: "openid,amount\noxTWIuGaIt6gTKsQRLau2M0yL16E,100\noxTWIuGaIt6gTKsQRLau2M0yL16E,200\n")
        defer { folder.remove() }
        let result = try await folder.payout("import", "m.yaml")
        #expect(result.status == 0)
        #expect(result.stdout.contains("2 recipients, 3.00 yuan"))
    }

    @Test func quotedCellsBOMAndCRLFAreRead() async throws {
        let csv = "\u{FEFF}openid,amount,note\r\noxTWIuGaIt6gTKsQRLau2M0yL16E,100,\"a, b\"\r\noN7KBpzXzXsWjkJrmIgg2dUrscy6,200,\"two\r\nlines, \"\"quoted\"\"\"\r\noN7KBpzXzXsWjkJrmIgg2dUrscy7,300,=1+1\r\n"
        let folder = try CampaignFolder(recipients: csv)
        defer { folder.remove() }
        #expect(try await folder.payout("import", "m.yaml").status == 0)
        let export = try await folder.payout("export", "m.yaml")
        #expect(export.status == 0)
        let rows = try CSVTestParser.rows(export.stdout)
        #expect(rows[0] == CSVReport.columns + ["note"])
        #expect(rows[1][0] == "2")
        #expect(rows[1].last == "a, b")
        #expect(rows[2][0] == "3")
        #expect(rows[2].last == "two\r\nlines, \"quoted\"")
        #expect(rows[3][0] == "5", "the line number counts the line break inside the quoted cell")
        #expect(rows[3].last == "'=1+1", "formula-like cells are neutralised")
        #expect(export.stdoutData.starts(with: [0xEF, 0xBB, 0xBF] + Array("line,openid".utf8)))
    }

    /// The report's `line` is where the row starts in the file: the number an error about
    /// that row gives, even after a quoted cell that spans lines (the record number would not).
    @Test func theReportsLineIsTheLineErrorsUse() async throws {
        let rows = "openid,amount,note\noxTWIuGaIt6gTKsQRLau2M0yL16E,100,\"two\nlines\"\n\noN7KBpzXzXsWjkJrmIgg2dUrscy6,%@,x\n"
        let folder = try CampaignFolder(recipients: rows.replacingOccurrences(of: "%@", with: "abc"))
        defer { folder.remove() }
        let refused = try await folder.payout("validate", "m.yaml")
        #expect(refused.stderr.hasPrefix("r.csv:5: amount 'abc'"), "\(refused.stderr)")
        try folder.write("r.csv", rows.replacingOccurrences(of: "%@", with: "200"))
        #expect(try await folder.payout("import", "m.yaml").status == 0)
        let report = try CSVTestParser.rows(try await folder.payout("export", "m.yaml").stdout)
        #expect(report.map(\.first) == ["line", "2", "5"], "record 2 starts on line 5")
    }

    @Test func gbkFileKeepsItsChineseText() async throws {
        let folder = try CampaignFolder(recipients: nil)
        defer { folder.remove() }
        let utf8 = "openid,amount,姓名,门店\noxTWIuGaIt6gTKsQRLau2M0yL16E,100,张三,深圳福田店\n"
        try folder.write("utf8.csv", utf8)
        let converted = try await run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GBK", folder.url.appendingPathComponent("utf8.csv").path])
        #expect(converted.status == 0)
        try folder.write("r.csv", bytes: Array(converted.outputData))
        #expect(String(data: try folder.read("r.csv"), encoding: .utf8) == nil, "the file really is not UTF-8")
        let validate = try await folder.payout("validate", "m.yaml")
        #expect(validate.stdout.contains("GB18030"))
        #expect(try await folder.payout("import", "m.yaml").status == 0)
        let rows = try CSVTestParser.rows(try await folder.payout("export", "m.yaml").stdout)
        #expect(rows[0].suffix(2) == ["姓名", "门店"])
        #expect(rows[1].suffix(2) == ["张三", "深圳福田店"])
    }

    @Test func reimportIsANoOpAndAChangedCampaignIsRefused() async throws {
        let folder = try CampaignFolder()
        defer { folder.remove() }
        #expect(try await folder.payout("import", "m.yaml").status == 0)
        let before = try folder.read("payout.sqlite")
        let again = try await folder.payout("import", "m.yaml")
        #expect(again.status == 0)
        #expect(again.stdout.contains("already in payout.sqlite, unchanged"))
        #expect(try folder.read("payout.sqlite") == before)

        try folder.write("r.csv", "openid,amount,name\noxTWIuGaIt6gTKsQRLau2M0yL16E,355,张三\noN7KBpzXzXsWjkJrmIgg2dUrscy7,100,王五\n")
        try folder.write("m.yaml", CampaignFolder.manifest.replacingOccurrences(of: "remark: 猜越多得越多,快来抢!", with: "remark: 新备注"))
        for command in ["import", "run"] {
            let result = try await folder.payout(command, "m.yaml")
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr.split(separator: "\n").map(String.init) == [
                "m.yaml: campaign c1 changed since import: remark was '猜越多得越多,快来抢!', now '新备注'",
                "m.yaml: campaign c1 changed since import: the recipients file r.csv is not the one imported:",
                "r.csv: r.csv:2: amount was 100, now 355",
                "r.csv: r.csv:3: row added (openid oN7KBpzXzXsWjkJrmIgg2dUrscy7, amount 100)",
                "r.csv: r.csv: row removed (line 3 of the imported file, openid oN7KBpzXzXsWjkJrmIgg2dUrscy6)",
                "m.yaml: restore the recipients file as it was imported; to pay new recipients, put only the new rows in a "
                    + "new file and a new campaign (importing the whole file again under another id would pay everyone twice)",
            ], "\(command)")
        }
        #expect(try folder.read("payout.sqlite") == before)
    }

    @Test(arguments: [
        ("  client_ip: 192.168.0.1", "  client_ip: 10.0.0.7", "merchant.client_ip was 192.168.0.1, now 10.0.0.7"),
        ("  endpoint: sandbox", "  endpoint: https://api.mch.weixin.qq.com\n  api_key: env:PAYOUT_TEST_KEY\n  cert: c.pem",
         "merchant.endpoint was sandbox, now https://api.mch.weixin.qq.com"),
    ])
    func aCampaignIsBoundToItsEndpointAndClientIP(_ old: String, _ new: String, _ change: String) async throws {
        let folder = try CampaignFolder()
        defer { folder.remove() }
        #expect(try await folder.payout("import", "m.yaml").status == 0)
        let before = try folder.read("payout.sqlite")
        try folder.write("m.yaml", CampaignFolder.manifest.replacingOccurrences(of: old, with: new))
        let result = try await folder.payout("import", "m.yaml")
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").map(String.init) == [
            "m.yaml: campaign c1 changed since import: \(change)",
            "m.yaml: restore what was imported: a campaign's requests must repeat exactly what it was imported with",
        ])
        #expect(try folder.read("payout.sqlite") == before)
    }
}

extension CampaignFolder {
    func write(replacingCampaign badCase: CampaignInputTests.Case) {
        try? write("m.yaml", badCase.manifest)
        if let recipients = badCase.recipients {
            try? write("r.csv", recipients)
        } else {
            try? FileManager.default.removeItem(at: url.appendingPathComponent("r.csv"))
        }
    }
}

/// An independent RFC 4180 reader for checking reports: not the one under test.
enum CSVTestParser {
    struct Malformed: Error {}

    static func rows(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var chars = Array(text.unicodeScalars.drop { $0 == "\u{FEFF}" })
        var index = 0
        chars.append("\n")
        while index < chars.count - 1 {
            let char = chars[index]
            if quoted {
                if char == "\"" {
                    if chars[index + 1] == "\"" { cell.unicodeScalars.append("\""); index += 1 } else { quoted = false }
                } else {
                    cell.unicodeScalars.append(char)
                }
            } else if char == "\"" {
                quoted = true
            } else if char == "," {
                row.append(cell); cell = ""
            } else if char == "\r" && chars[index + 1] == "\n" {
                row.append(cell); rows.append(row); row = []; cell = ""; index += 1
            } else {
                cell.unicodeScalars.append(char)
            }
            index += 1
        }
        guard !quoted else { throw Malformed() }
        if !row.isEmpty || !cell.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }
}
