import Foundation
@testable import PayoutKit
import PayoutTestSupport
import Testing

/// Property tests with generated input for the three parsers that read outside data: the
/// CSV reader (and the recipients validator over it), the manifest loader, and the answer
/// XML parser. They must never crash or hang, and never accept invalid data silently.
///
/// `Scripts/test` runs a short, seeded round; `Scripts/fuzz` runs each for a set time with
/// fresh seeds (`PAYOUT_FUZZ_SECONDS`, `PAYOUT_FUZZ_SEED`). A failure prints its seed.
@Suite(.timeLimit(.minutes(10))) final class FuzzTests {
    /// Each test's generated files, removed when the test ends.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("payout-fuzz-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Writes `bytes` to `name` in the scratch folder, replacing the previous round's file.
    func file(_ bytes: [UInt8], name: String = "f.csv") throws -> String {
        let url = scratch.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A manifest whose recipients file holds `csv`.
    func recipientsManifest(csv: String) throws -> Manifest {
        _ = try file(Array(csv.utf8), name: "r.csv")
        let path = try file(Array(SampleCampaign.manifest.utf8), name: "m.yaml")
        return try ManifestLoader.load(path)
    }

    /// Rounds per property, or a time budget per property when `PAYOUT_FUZZ_SECONDS` is set.
    static func rounds(_ body: (inout Generator) throws -> Void) rethrows {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["PAYOUT_FUZZ_SECONDS"].flatMap(Double.init)
        let seed = environment["PAYOUT_FUZZ_SEED"].flatMap(UInt64.init) ?? (seconds == nil ? 20_271_115 : UInt64.random(in: 0...UInt64.max))
        var generator = Generator(seed: seed)
        let deadline = Date().addingTimeInterval(seconds ?? 0)
        var round = 0
        while seconds.map({ _ in Date() < deadline }) ?? (round < 150) {
            let roundSeed = generator.next()
            var roundGenerator = Generator(seed: roundSeed)
            do {
                try body(&roundGenerator)
            } catch {
                Issue.record("round seed \(roundSeed): \(error)")
                throw error
            }
            round += 1
        }
    }

    // MARK: CSV

    @Test func csvRoundTripsAnyCells() throws {
        try Self.rounds { random in
            let rows = (0..<random.int(1...12)).map { _ in (0..<random.int(1...5)).map { _ in random.cell() } }
            var text = ""
            var lines: [Int] = []
            var line = 1
            for row in rows {
                lines.append(line)
                let encoded = row.map { cell -> String in
                    let mustQuote = cell.unicodeScalars.contains { ",\"\r\n".unicodeScalars.contains($0) }
                    return mustQuote || random.bool() ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
                }.joined(separator: ",")
                text += encoded + (random.bool() ? "\r\n" : "\n")
                line += 1 + encoded.unicodeScalars.filter { $0 == "\n" }.count
            }
            let reader = try CSVReader(path: try file(Array(text.utf8)))
            for (index, row) in rows.enumerated() {
                let record = try #require(try reader.next(), "row \(index) of \(rows.count) missing in \(text.debugDescription)")
                #expect(record.fields == row, "in \(text.debugDescription)")
                #expect(record.line == lines[index], "line numbers of \(text.debugDescription)")
            }
            #expect(try reader.next() == nil)
        }
    }

    @Test func csvReaderSurvivesGarbage() throws {
        try Self.rounds { random in
            let bytes = (0..<random.int(0...600)).map { _ in random.bool() ? random.pick(Array(",\"\r\n a\u{0}".utf8)) : UInt8.random(in: 0...255, using: &random) }
            do {
                let reader = try CSVReader(path: try file(bytes))
                var records = 0
                while try reader.next() != nil {
                    records += 1
                    #expect(records <= bytes.count + 1, "the reader must make progress")
                }
            } catch is InputError {}
        }
    }

    /// Rows generated together with whether they are valid: the validator must accept
    /// exactly the valid ones and name the line of every invalid one.
    @Test func validatorAcceptsExactlyTheValidRows() throws {
        try Self.rounds { random in
            var csv = "openid,amount,note\n"
            var invalidLines = Set<Int>()
            var validLines: [Int] = []
            var seen = Set<String>()
            for index in 0..<random.int(1...25) {
                let line = index + 2
                var openid = "o" + String((0..<27).map { _ in random.pick(Array("abcXYZ019_-")) })
                if random.int(0...9) == 0, let existing = seen.randomElement(using: &random) { openid = existing }
                if random.int(0...9) == 0 { openid = random.pick(["", "short", "bad id with spaces", String(repeating: "x", count: 33), "中文openid123"]) }
                var amount = String(random.int(100...20_000))
                if random.int(0...9) == 0 { amount = random.pick(["", "99", "20001", "1.5", "-100", "abc", "1e3", "00100"]) }
                let validOpenID = RecipientsValidator.isOpenID(openid) && !seen.contains(openid)
                let fen = Int(amount).flatMap { amount.allSatisfy(\.isNumber) ? $0 : nil }
                let validAmount = fen.map { (100...20_000).contains($0) } ?? false
                if RecipientsValidator.isOpenID(openid) { seen.insert(openid) }
                if validOpenID && validAmount { validLines.append(line) } else { invalidLines.insert(line) }
                csv += "\(openid),\(amount),\(random.cell().replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\r", with: ""))\n"
            }
            let manifest = try recipientsManifest(csv: csv)
            var accepted: [Int] = []
            do {
                _ = try RecipientsValidator.read(manifest) { row in accepted.append(row.line) }
                #expect(invalidLines.isEmpty, "invalid lines \(invalidLines.sorted()) were accepted in \(csv)")
                #expect(accepted == validLines)
            } catch let error as InputError {
                #expect(Set(error.problems.compactMap(\.line)) == invalidLines, "in \(csv)")
                #expect(accepted.allSatisfy { validLines.contains($0) })
            }
        }
    }

    // MARK: manifest

    @Test func manifestLoaderNeverAcceptsWhatBreaksTheRules() throws {
        let base = """
            campaign: lantern-2027
            act_name: 猜灯谜抢红包活动
            wishing: 感谢您参加猜灯谜活动,祝您元宵节快乐!
            remark: 猜越多得越多,快来抢!
            send_name: 天虹百货
            scene_id: PRODUCT_2
            recipients: r.csv
            budget: 200000
            merchant:
              mch_id: "10000098"
              wxappid: wx8888888888888888
              client_ip: 192.168.0.1
              api_key: env:PAYOUT_API_KEY
              cert: certs/apiclient_cert.pem
            limits:
              per_minute: 1800
              quiet_hours: "00:00-08:00"
              min_amount: 100
              max_amount: 20000
            """
        try Self.rounds { random in
            var lines = base.components(separatedBy: "\n")
            for _ in 0..<random.int(1...4) {
                let index = random.int(0...(lines.count - 1))
                switch random.int(0...6) {
                case 0: lines.remove(at: index)
                case 1: lines.insert(lines[index], at: index)
                case 2: lines[index] = lines[index].components(separatedBy: ":")[0] + ": " + random.cell()
                case 3: lines.insert(random.pick(["wishes: x", "  extra: 1", "merchant: [1, 2]", "- item", "budget: -5", "per_minute: 0"]), at: index)
                case 4: lines[index] = String(lines[index].prefix(random.int(0...lines[index].count)))
                case 5: lines[index] += random.pick(["\"", "{", "]", "&anchor", "*alias", " #", "\t"])
                default: lines[index] = lines[index].replacingOccurrences(of: ": ", with: ": " + String(repeating: "长", count: random.int(1...300)))
                }
                if lines.isEmpty { lines = [""] }
            }
            let text = lines.joined(separator: "\n")
            let path = try file(Array(text.utf8), name: "fuzzed.yaml")
            do {
                let manifest = try ManifestLoader.load(path)
                #expect(manifest.campaign.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == 0x2D || $0 == 0x5F })
                let texts = manifest.texts
                #expect(texts.actName.count <= 32 && texts.wishing.count <= 128 && texts.remark.count <= 256)
                #expect(texts.sendName.count <= 32 && texts.nickName.count <= 32)
                #expect(manifest.merchant.mchID.count <= 10 && manifest.merchant.mchID.allSatisfy(\.isNumber))
                #expect(manifest.limits.perMinute > 0 && manifest.limits.minimumAmount <= manifest.limits.maximumAmount)
                #expect(manifest.budget.map { $0.fen > 0 } ?? true)
            } catch let error as InputError {
                // YAML breaks lines at LF, CR and CRLF alike.
                let lineCount = text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars.filter { $0 == "\n" || $0 == "\r" }.count + 1
                for problem in error.problems {
                    #expect(problem.file == path)
                    #expect(problem.line.map { (1...(lineCount + 1)).contains($0) } ?? true, "line \(problem.line ?? 0) of \(lineCount) for \(text)")
                    #expect(!problem.message.isEmpty)
                }
            }
        }
    }

    // MARK: answers

    @Test func xmlRoundTripsAnyText() throws {
        try Self.rounds { random in
            let fields = (0..<random.int(1...8)).map { index in (name: "f\(index)", value: random.cell()) }
            let encoded = try XMLMessage.encode(fields)
            let decoded = try XMLMessage.decode(encoded).fields
            for field in fields {
                #expect(decoded[field.name] == field.value)
            }
        }
    }

    @Test func mangledAnswersNeverCountAsPaidWithoutAValidSuccess() throws {
        let request = RedpackRequest(
            billNumber: BillNumber(mchID: "10000098", dateStamp: "20270212", sequence: 7), openid: "oxTWIuGaIt6gTKsQRLau2M0yL16E",
            amount: Amount(fen: 1000), sendName: "s", wishing: "w", actName: "a", remark: "r")
        let signer = Signer(key: APIKey("192006250b4c09247ec02edce69f6a2d"))
        let success = try XMLMessage.encode([
            ("return_code", "SUCCESS"), ("result_code", "SUCCESS"), ("mch_billno", request.billNumber.rawValue),
            ("re_openid", request.openid), ("total_amount", "1000"), ("send_listid", "1000041701"),
        ])
        try Self.rounds { random in
            var bytes = success
            for _ in 0..<random.int(1...6) {
                let index = random.int(0...max(0, bytes.count - 1))
                switch random.int(0...4) {
                case 0 where !bytes.isEmpty: bytes.remove(at: index)
                case 1: bytes.insert(random.pick(Array("<>&;/\"'!?[]x0\u{0}".utf8)), at: min(index, bytes.count))
                case 2 where !bytes.isEmpty: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 3: bytes = Array(bytes.prefix(index))
                default: bytes.insert(contentsOf: Array(random.pick(["<!DOCTYPE x>", "<!ENTITY a 'b'>", "&a;", "<x>", "</xml>", "]]>"]).utf8), at: min(index, bytes.count))
                }
            }
            let exchange = Result<HTTPResponse, TransportError>.success(HTTPResponse(status: 200, body: bytes))
            let outcome = AnswerPolicy.classifySend(exchange, request: request, signer: signer).outcome
            guard case .sent = outcome else { return }
            let fields = try XMLMessage.decode(bytes).fields
            #expect(fields["return_code"] == "SUCCESS" && fields["result_code"] == "SUCCESS", "\(String(decoding: bytes, as: UTF8.self))")
            for (name, expected) in [("mch_billno", request.billNumber.rawValue), ("re_openid", request.openid), ("total_amount", "1000")] {
                #expect(fields[name] == nil || fields[name] == expected)
            }
        }
    }
}

typealias Generator = SeededRandom

extension SeededRandom {
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func bool() -> Bool { Bool.random(using: &self) }
    mutating func pick<T>(_ options: [T]) -> T { options[int(0...(options.count - 1))] }

    /// Text a spreadsheet cell might hold, hostile characters included.
    mutating func cell() -> String {
        let alphabet: [String] = ["a", "Z", "7", " ", ",", "\"", "\n", "\r\n", "'", "=", "-", "中", "文", "😀", "é", "&", "<", ">", "]]>", "\t"]
        return (0..<int(0...12)).map { _ in pick(alphabet) }.joined()
    }
}
